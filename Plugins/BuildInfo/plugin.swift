import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` with the git commit the sources were built from (`-dirty` when tracked files differ from
/// it, `unknown` outside a git checkout), for `licensing --version`. Runs before every build; the file is rewritten
/// only when its text changes, so an unchanged commit compiles nothing again.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BuildInfo")
        let script = #"""
            out="$1/BuildInfo.swift"
            commit=$(git -C "$2" rev-parse --short=12 HEAD 2>/dev/null) || commit=unknown
            if [ "$commit" != unknown ] && [ -n "$(git -C "$2" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
                commit="$commit-dirty"
            fi
            text="/// Written by the BuildInfo plugin.
            enum BuildInfo {
                /// The git commit the sources were built from.
                static let commit = \"$commit\"
            }"
            mkdir -p "$1"
            if [ ! -f "$out" ] || [ "$(cat "$out")" != "$text" ]; then printf '%s\n' "$text" > "$out"; fi
            """#
        return [
            .prebuildCommand(
                displayName: "BuildInfo: the git commit for licensing --version",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", output.path, context.package.directoryURL.path],
                outputFilesDirectory: output)
        ]
    }
}
