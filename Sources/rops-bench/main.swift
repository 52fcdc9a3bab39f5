import Foundation
import PostgresClient
import Template

// Benchmark helpers for the scripts in bench/. Usage:
//   rops-bench copy <database-url> <table> <csv-file>   streams the file through the client's COPY API
//   rops-bench render [models]                          parses and renders generated model templates
//   rops-bench transactions <count> <file>              writes a transactions_data.csv-shaped file
//   rops-bench labels <count> <file>                    writes a train_fraud_labels.json-shaped file
let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: rops-bench copy <database-url> <table> <csv-file>\n".utf8))
    exit(2)
}

switch arguments[1] {
case "copy" where arguments.count == 5:
    let connection = try PostgresConnection(arguments[2])
    let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: arguments[4]))
    let start = Date()
    let rows = try connection.copyIn("copy \(arguments[3]) from stdin (format csv, header true)") { writer in
        while let block = try input.read(upToCount: 1 << 20), !block.isEmpty {
            try block.withUnsafeBytes { try writer.write($0) }
        }
    }
    let seconds = Date().timeIntervalSince(start)
    print("rows=\(rows) seconds=\(String(format: "%.3f", seconds))")
case "transactions" where arguments.count == 4:
    try BenchData.transactions(count: Int(arguments[2])!, path: arguments[3])
case "labels" where arguments.count == 4:
    try BenchData.labels(count: Int(arguments[2])!, path: arguments[3])
case "render":
    let count = arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000
    try RenderBenchmark.run(models: count)
default:
    FileHandle.standardError.write(Data("unknown or incomplete command: \(arguments.dropFirst().joined(separator: " "))\n".utf8))
    exit(2)
}
