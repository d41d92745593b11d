/// What every node of one config file shares: the name to report in errors, the variables for
/// `${…}`, and the folder that relative paths are resolved against.
struct ConfigSource {
    /// The path as the caller gave it; errors show it unchanged so the operator recognises it.
    let file: String
    let substitution: EnvironmentSubstitution
    /// Absolute folder of `file`.
    let baseDirectory: String

    init(file: String, environment: [String: String], currentDirectory: String) {
        self.file = file
        self.substitution = EnvironmentSubstitution(environment: environment)
        let absoluteFile = FilePathResolution.resolve(file, against: currentDirectory)
        self.baseDirectory = FilePathResolution.directory(of: absoluteFile)
    }

    /// `path` made absolute against the config file's folder; absolute paths are kept.
    func resolve(_ path: String) -> String {
        FilePathResolution.resolve(path, against: baseDirectory)
    }
}
