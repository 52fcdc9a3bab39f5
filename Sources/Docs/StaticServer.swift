import Foundation

/// Serves a folder over HTTP on 127.0.0.1 (GET only), for those who prefer a URL to a file.
public enum StaticServer {
    public static func serve(folder: String, port: Int, onReady: (Int) -> Void) throws -> Never {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            throw StructuralErrorText("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno))); try --port")
        }
        onReady(port)
        while true {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { continue }
            handle(client, folder: folder)
            close(client)
        }
    }

    private static func handle(_ client: Int32, folder: String) {
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = read(client, &buffer, buffer.count)
        guard count > 0 else { return }
        let request = String(decoding: buffer[0..<count], as: UTF8.self)
        let parts = request.split(separator: " ")
        var path = parts.count > 1 ? String(parts[1]) : "/"
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        path = path.removingPercentEncoding ?? path
        if path == "/" { path = "/index.html" }
        let file = folder + path
        let response: Data
        if path.contains("..") {
            response = Data("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        } else if let body = FileManager.default.contents(atPath: file) {
            let type = file.hasSuffix(".html") ? "text/html; charset=utf-8" : file.hasSuffix(".json") ? "application/json" : "application/octet-stream"
            response = Data("HTTP/1.1 200 OK\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
        } else {
            response = Data("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found".utf8)
        }
        _ = response.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
    }
}

public struct StructuralErrorText: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
