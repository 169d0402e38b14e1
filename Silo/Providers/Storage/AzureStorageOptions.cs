using System.ComponentModel.DataAnnotations;

namespace Platform.Silo.Storage;

/// <summary>
/// Where grain state and reminders live when <c>Silo:Storage</c> is <c>azure</c> (section <c>Silo:Azure</c>): Orleans'
/// own Azure Table providers. The audit journal stays in the SQLite file under the data directory in that mode.
/// </summary>
public sealed class AzureStorageOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Silo:Azure";

    /// <summary>An Azure Storage connection string (Azurite's for tests); it holds the account key, so it is never logged.</summary>
    [Required(ErrorMessage = "Silo:Azure:ConnectionString is required when Silo:Storage is 'azure'.")]
    public string ConnectionString { get; set; } = "";

    /// <summary>The table grain state is kept in.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Silo:Azure:StateTable is an Azure table name: 3 to 63 letters or digits, starting with a letter.")]
    public string StateTable { get; set; } = "PlatformGrainState";

    /// <summary>The table reminders are kept in.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Silo:Azure:ReminderTable is an Azure table name: 3 to 63 letters or digits, starting with a letter.")]
    public string ReminderTable { get; set; } = "PlatformReminders";
}
