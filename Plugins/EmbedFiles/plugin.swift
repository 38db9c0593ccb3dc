import Foundation
import PackagePlugin

/// Compiles package text files into the target that uses this plugin: `sql/NNN_*.sql` into Store,
/// `pipelines/profiles/*.yaml` into Filters.
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let (kind, folder, suffix): (String, String, String)
        switch target.name {
        case "Store": (kind, folder, suffix) = ("migrations", "sql", ".sql")
        case "Filters": (kind, folder, suffix) = ("profiles", "pipelines/profiles", ".yaml")
        default: return []
        }
        let directory = context.package.directoryURL.appending(path: folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(suffix) }.sorted()
        let inputs = names.map { directory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "Embedded-\(kind).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(names.count) \(kind) files into \(target.name)",
                executable: try context.tool(named: "embed-files").url,
                arguments: [output.path, kind] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
