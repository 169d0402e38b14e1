using System.ComponentModel.DataAnnotations;

namespace Platform.Grains.Runs;

/// <summary>Agent run settings (section <c>Platform:Runs</c>).</summary>
public sealed class RunOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Platform:Runs";

    /// <summary>
    /// How often an unfinished run's resume reminder fires (also its first due time). It is the longest a run stays
    /// idle after a restart before it continues; a tick on a run that is already progressing or waiting does nothing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ResumeInterval { get; set; } = TimeSpan.FromMinutes(1);
}
