using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Security;

/// <summary>Where <see cref="LocalKeyFileProvider"/> keeps its key file (<c>Platform:DataDirectory</c>, <c>Platform:Keys:KeyFilePath</c>).</summary>
public sealed class KeyFileOptions
{
    /// <summary>The platform's data directory (<c>Platform:DataDirectory</c>).</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>The key file (<c>Platform:Keys:KeyFilePath</c>); <c>&lt;DataDirectory&gt;/keys.json</c> when unset.</summary>
    public string? KeyFilePath { get; set; }

    /// <summary>The key file's full path.</summary>
    public string FullKeyFilePath => Path.GetFullPath(string.IsNullOrWhiteSpace(KeyFilePath) ? Path.Combine(DataDirectory, "keys.json") : KeyFilePath);
}
