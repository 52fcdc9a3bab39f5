/// The unique ids of a project's nodes, spelled as dbt spells them: `model.<name>`, `seed.<name>`,
/// `source.<source>.<table>`. Every id is made and read here.
public enum NodeID {
    public static func model(_ name: String) -> String { "model." + name }
    public static func seed(_ name: String) -> String { "seed." + name }
    public static func source(_ source: String, _ table: String) -> String { "source.\(source).\(table)" }

    public static func isModel(_ id: String) -> Bool { id.hasPrefix("model.") }

    /// The model's name in a `model.<name>` id; nil for other ids.
    public static func modelName(_ id: String) -> String? { isModel(id) ? String(id.dropFirst("model.".count)) : nil }
}
