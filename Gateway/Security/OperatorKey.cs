using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Security;

/// <summary>
/// Holds the operator key and checks presented keys against it in constant time. The operator creates workspaces and
/// sees operator views; no operator route returns workspace content.
/// </summary>
internal sealed class OperatorKey
{
    private const string FileName = "operator.key";
    private readonly byte[] _hash;

    public OperatorKey(IOptions<OperatorKeyOptions> options, ILogger<OperatorKey> logger)
    {
        // A configured key was validated at start (OperatorKeyOptionsValidator).
        var key = options.Value.OperatorKey;
        if (string.IsNullOrEmpty(key))
        {
            key = LoadOrCreate(Path.GetFullPath(Path.Combine(options.Value.DataDirectory, FileName)), logger);
        }

        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _hash);

    private static string LoadOrCreate(string path, ILogger logger)
    {
        if (File.Exists(path))
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                throw new InvalidOperationException($"The operator key file {path} is readable by group or others; run 'chmod 600 {path}'.");
            }

            return File.ReadAllText(path).Trim();
        }

        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var key = "op_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key);
        }

        // Where it is, never what it is: stdout ends up in log collectors, and the file is readable only by its owner.
        SecurityLog.OperatorKeyGenerated(logger, path);
        return key;
    }
}
