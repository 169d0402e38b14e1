using System.Runtime.Versioning;

// The key file's safety rests on Unix file modes (0600), which these tests check directly.
[assembly: UnsupportedOSPlatform("windows")]
