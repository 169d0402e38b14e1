using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Grains.Security;

/// <summary>
/// The embedded default KEK provider: versioned AES-256 keys in a JSON file in the data directory, readable by its owner
/// only. Created (mode 0600) on first start; a file that group or others may access stops the start, because anyone
/// who can read it can unwrap every workspace's data key. Every change is written to a temporary file, flushed to disk
/// and renamed over the old one, so a crash leaves either the old or the new file, never half of one.
/// </summary>
/// <remarks>
/// Several silos on one machine share the data directory and so the file, each with its own provider: the file, not
/// the memory of one provider, is the truth. A provider rereads it when its modification time or length changed (a
/// rotation or retirement by another silo). Creating, rotating and retiring happen under <see cref="KeyFileLock"/>, so
/// the first silo to create the file wins and every other one wraps under the same KEK.
/// </remarks>
public sealed class LocalKeyFileProvider : IKeyEncryptionKeyProvider, IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly TimeProvider _time;
    private readonly ILogger<LocalKeyFileProvider> _logger;
    private readonly Lock _gate = new();
    private volatile KeyRing? _ring;
    private long _loadedWriteTicks;
    private long _loadedLength;

    /// <summary>Creates the provider; the file is read (or created) on first use, or at host start.</summary>
    public LocalKeyFileProvider(IOptions<KeyFileOptions> options, TimeProvider time, ILogger<LocalKeyFileProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        KeyFilePath = options.Value.FullKeyFilePath;
        _time = time;
        _logger = logger;
    }

    /// <summary>The key file's full path.</summary>
    public string KeyFilePath { get; }

    /// <inheritdoc />
    public string CurrentKeyId => Ring().CurrentId;

    /// <inheritdoc />
    public Task<string> GetCurrentKeyIdAsync(CancellationToken cancellationToken = default) => Task.FromResult(Ring().CurrentId);

    /// <summary>The KEK versions the file holds, oldest first (ids only).</summary>
    public ImmutableArray<string> KeyIds => [.. Ring().Versions.Values.OrderBy(v => v.Created).ThenBy(v => v.Id, StringComparer.Ordinal).Select(v => v.Id)];

    /// <inheritdoc />
    public Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken cancellationToken = default)
    {
        var current = Ring().Current;
        var wrapped = new byte[dataKey.Length + AesGcmEnvelope.Overhead];
        AesGcmEnvelope.Seal(current.Key, AssociatedData(current.Id), dataKey.Span, wrapped);
        return Task.FromResult(new WrappedKey(current.Id, wrapped));
    }

    /// <inheritdoc />
    public Task<byte[]> UnwrapAsync(WrappedKey wrappedKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        if (!Ring().Versions.TryGetValue(wrappedKey.KekId, out var kek))
        {
            throw new CryptographicException($"Key-encryption key '{wrappedKey.KekId}' is not in the key file '{KeyFilePath}' (retired, or from another installation).");
        }

        var dataKey = new byte[Math.Max(0, wrappedKey.Ciphertext.Length - AesGcmEnvelope.Overhead)];
        if (!AesGcmEnvelope.TryOpen(kek.Key, AssociatedData(kek.Id), wrappedKey.Ciphertext, dataKey))
        {
            throw new CryptographicException($"A data key wrapped under key-encryption key '{kek.Id}' could not be authenticated; it was altered or wrapped elsewhere.");
        }

        return Task.FromResult(dataKey);
    }

    /// <inheritdoc />
    public Task<string> RotateAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            using var held = KeyFileLock.Acquire(KeyFilePath);
            var ring = RingUnderFileLock();
            var added = NewVersion();
            var next = new KeyRing(added.Id, ring.Versions.Add(added.Id, added));
            Save(next);
            Remember(next);
            SecurityLog.KekRotated(_logger, KeyFilePath, added.Id);
            return Task.FromResult(added.Id);
        }
    }

    /// <inheritdoc />
    public Task RetireAsync(string kekId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kekId);
        lock (_gate)
        {
            using var held = KeyFileLock.Acquire(KeyFilePath);
            var ring = RingUnderFileLock();
            if (kekId == ring.CurrentId)
            {
                throw new InvalidOperationException($"Key-encryption key '{kekId}' is the current one and cannot be retired; rotate first.");
            }

            if (!ring.Versions.TryGetValue(kekId, out var retired))
            {
                return Task.CompletedTask;
            }

            var next = new KeyRing(ring.CurrentId, ring.Versions.Remove(kekId));
            Save(next);
            Remember(next);
            // Nothing is wrapped under it any more (the caller checked), so no unwrap can be using it.
            CryptographicOperations.ZeroMemory(retired.Key);
            SecurityLog.KekRetired(_logger, KeyFilePath, kekId);
            return Task.CompletedTask;
        }
    }

    /// <summary>Reads (or creates) and checks the key file now rather than at the first wrap, so a bad file stops the host.</summary>
    public void EnsureLoaded() => Ring();

    /// <inheritdoc />
    public void Dispose()
    {
        var ring = _ring;
        _ring = null;
        if (ring is null)
        {
            return;
        }

        foreach (var version in ring.Versions.Values)
        {
            CryptographicOperations.ZeroMemory(version.Key);
        }
    }

    private static byte[] AssociatedData(string kekId) => Encoding.UTF8.GetBytes(kekId);

    private KeyRing Ring()
    {
        if (_ring is { } ring && IsCurrent(Stamp()))
        {
            return ring;
        }

        lock (_gate)
        {
            return LoadUnderGate();
        }
    }

    private KeyRing LoadUnderGate()
    {
        var stamp = Stamp();
        if (_ring is { } loaded && (stamp is null || IsCurrent(stamp)))
        {
            // Unchanged, or gone since it was read: a missing file is not recreated under keys already in use.
            return loaded;
        }

        KeyRing ring;
        if (stamp is not null)
        {
            ring = Read();
            SecurityLog.KeyFileLoaded(_logger, KeyFilePath, ring.Versions.Count, ring.CurrentId);
        }
        else
        {
            using var held = KeyFileLock.Acquire(KeyFilePath);
            if (File.Exists(KeyFilePath))
            {
                // Another silo sharing the directory created it while this one waited: use its key, or the two would
                // wrap apart.
                ring = Read();
                SecurityLog.KeyFileLoaded(_logger, KeyFilePath, ring.Versions.Count, ring.CurrentId);
            }
            else
            {
                ring = FirstRing();
                Save(ring);
                SecurityLog.KeyFileCreated(_logger, KeyFilePath, ring.CurrentId);
            }
        }

        Remember(ring);
        return ring;
    }

    /// <summary>
    /// What the file holds now, read again under its lock so a change builds on every other provider's last write (a
    /// rotation by another silo is kept, not overwritten); the loaded keys if the file is gone, a first key if none were.
    /// </summary>
    private KeyRing RingUnderFileLock() => File.Exists(KeyFilePath) ? Read() : _ring ?? FirstRing();

    private KeyRing FirstRing()
    {
        var first = NewVersion();
        return new KeyRing(first.Id, ImmutableDictionary<string, KekVersion>.Empty.Add(first.Id, first));
    }

    /// <summary>The file's modification time and length, or <see langword="null"/> when it does not exist.</summary>
    private (long WriteTicks, long Length)? Stamp()
    {
        var file = new FileInfo(KeyFilePath);
        return file.Exists ? (file.LastWriteTimeUtc.Ticks, file.Length) : null;
    }

    private bool IsCurrent((long WriteTicks, long Length)? stamp) =>
        stamp is not { } s || (Volatile.Read(ref _loadedWriteTicks) == s.WriteTicks && Volatile.Read(ref _loadedLength) == s.Length);

    /// <summary>Keeps <paramref name="ring"/> as what the file now holds (called under the gate, after reading or writing it).</summary>
    private void Remember(KeyRing ring)
    {
        if (Stamp() is { } stamp)
        {
            Volatile.Write(ref _loadedWriteTicks, stamp.WriteTicks);
            Volatile.Write(ref _loadedLength, stamp.Length);
        }

        _ring = ring;
    }

    private KeyRing Read()
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(KeyFilePath);
            if ((mode & GroupOrOther) != 0)
            {
                throw new InvalidOperationException(
                    $"The key file '{KeyFilePath}' has mode {Octal(mode)}; it must be readable by its owner only (0600), " +
                    $"because it can unwrap every workspace's data key. Fix it with: chmod 600 '{KeyFilePath}'.");
            }
        }

        // Parse and decoding errors are reported without their inner exception: its message can quote the file's content.
        KeyFileDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<KeyFileDocument>(File.ReadAllBytes(KeyFilePath), s_json);
        }
        catch (JsonException)
        {
            throw Invalid("it is not valid JSON");
        }

        if (document is null || document.Format != 1 || document.Keys.Count == 0)
        {
            throw Invalid("it holds no keys, or a format other than 1");
        }

        var versions = ImmutableDictionary.CreateBuilder<string, KekVersion>(StringComparer.Ordinal);
        foreach (var entry in document.Keys)
        {
            var key = new byte[AesGcmEnvelope.KeySize];
            if (string.IsNullOrWhiteSpace(entry.Id) || !Convert.TryFromBase64String(entry.Key, key, out var written) || written != key.Length)
            {
                throw Invalid($"key '{entry.Id}' is not a base64 32-byte key with an id");
            }

            if (!versions.TryAdd(entry.Id, new KekVersion(entry.Id, entry.Created, key)))
            {
                throw Invalid($"key '{entry.Id}' appears twice");
            }
        }

        if (!versions.ContainsKey(document.Current))
        {
            throw Invalid($"its current key '{document.Current}' is not among its keys");
        }

        return new KeyRing(document.Current, versions.ToImmutable());
    }

    /// <summary>Writes <paramref name="ring"/> atomically (a reader sees the old file or the new one); call under <see cref="KeyFileLock"/>.</summary>
    private void Save(KeyRing ring)
    {
        var document = new KeyFileDocument
        {
            Current = ring.CurrentId,
            Keys = [.. ring.Versions.Values.OrderBy(v => v.Created).ThenBy(v => v.Id, StringComparer.Ordinal)
                .Select(v => new KeyFileEntry { Id = v.Id, Created = v.Created, Key = Convert.ToBase64String(v.Key) })],
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, s_json);
        var directory = Path.GetDirectoryName(KeyFilePath)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(KeyFilePath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                // Created with the final mode, so there is no moment in which the key is on disk for others to read.
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                // The umask can only take bits away; this makes 0600 hold whatever it was.
                File.SetUnixFileMode(temp, OwnerOnly);
            }

            File.Move(temp, KeyFilePath, overwrite: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            File.Delete(temp);
        }
    }

    private KekVersion NewVersion()
    {
        var now = _time.GetUtcNow();
        var id = string.Create(CultureInfo.InvariantCulture, $"kek-{now:yyyyMMdd'T'HHmmss'Z'}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        return new KekVersion(id, now, RandomNumberGenerator.GetBytes(AesGcmEnvelope.KeySize));
    }

    private InvalidOperationException Invalid(string why) => new($"The key file '{KeyFilePath}' cannot be used: {why}.");

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8).PadLeft(3, '0');
}
