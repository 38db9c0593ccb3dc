/// curate's own version, recorded in every run.
public let curateVersion = "0.1.0"
