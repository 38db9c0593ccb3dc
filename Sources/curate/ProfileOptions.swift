import ArgumentParser
import Filters
import Foundation

/// How `score` and `filter` pick threshold profiles.
struct ProfileOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Use this profile for every document: a built-in name (en, zh, fallback) or a YAML file.", valueName: "name|path"))
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("A directory of profiles (en.yaml, zh.yaml, fallback.yaml, …) that replace the built-in ones of the same name.", valueName: "dir"))
    var profiles: String?

    /// The built-in profiles, with those of --profiles replacing them by name, or one forced by --profile.
    func selection() throws -> ProfileSelection {
        var selection = try ProfileSelection.builtIn()
        if let directory = profiles {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--profiles \(directory): not a directory")
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
            for file in files {
                let loaded = try ProfileLoader.load(directory + "/" + file)
                if let index = selection.profiles.firstIndex(where: { $0.name == loaded.name }) {
                    selection.profiles[index] = loaded
                } else {
                    selection.profiles.insert(loaded, at: 0)
                }
            }
        }
        if let profile { selection.forced = try ProfileLoader.load(profile) }
        return selection
    }
}
