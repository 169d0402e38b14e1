using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Models;

namespace Platform.Grains.Workspaces;

/// <summary>
/// Successful API key checks, remembered in this process so that a burst of requests with one key asks its workspace
/// grain once rather than on every request (the check was one of the four grain calls of a proxied request).
/// <para>
/// The workspace grain calls <see cref="Forget"/> on its own silo before it writes any change, and on every other
/// active silo (through <see cref="KeyCheckCacheClient"/>) before the change is acknowledged: from then on no earlier
/// answer is used anywhere, and no answer the grain gave before the change is stored afterwards (each answer carries
/// the <see cref="KeyCheckTicket"/> taken before the grain was asked). A changed model catalogue (prices) and the
/// key's own expiry end an entry too. Only the secret's SHA-256 is kept, compared in constant time;
/// a refused key is never remembered, so a wrong or revoked secret always reaches the grain.
/// </para>
/// </summary>
public sealed class KeyAuthenticationCache(IOptions<KeyCacheOptions> options, ModelCatalogCache catalog, TimeProvider time)
{
    // Forgetting bumps the generation of the workspace's stripe; entries of other workspaces in the stripe are dropped
    // too, which costs one grain call each and keeps the counters a fixed size however many workspaces there are.
    private const int Stripes = 1024;

    private readonly long[] _generations = new long[Stripes];
    // A full cache of live entries is swept at most once a second: a sweep walks every entry, and doing that on each
    // request of a burst of new keys would cost more than the grain calls the cache saves.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(string WorkspaceId, string KeyId), RememberedKeyCheck> _entries = new();
    private long _nextSweepTicks;

    private bool Enabled => options.Value.Lifetime > TimeSpan.Zero;

    /// <summary>The number of checks remembered now (expired ones included until they are next looked up or swept).</summary>
    public int Count => _entries.Count;

    /// <summary>Taken before the workspace grain is asked; hand it to <see cref="Remember"/> with the grain's answer.</summary>
    public KeyCheckTicket Begin(string workspaceId)
    {
        ArgumentNullException.ThrowIfNull(workspaceId);
        return new KeyCheckTicket(workspaceId, Volatile.Read(ref _generations[Stripe(workspaceId)]), CatalogVersion);
    }

    /// <summary>The remembered answer for this key and secret, or null when the workspace grain must be asked.</summary>
    public AuthenticationResult? Find(string workspaceId, string keyId, string secret)
    {
        ArgumentNullException.ThrowIfNull(workspaceId);
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(secret);
        if (!Enabled || !_entries.TryGetValue((workspaceId, keyId), out var entry))
        {
            return null;
        }

        if (entry.Generation != Volatile.Read(ref _generations[Stripe(workspaceId)]) || entry.CatalogVersion != CatalogVersion || time.GetUtcNow() >= entry.ExpiresAt)
        {
            _entries.TryRemove(KeyValuePair.Create((workspaceId, keyId), entry));
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(entry.SecretHash, Hash(secret)) ? entry.Result : null;
    }

    /// <summary>Remembers a successful check, unless the workspace changed since <paramref name="ticket"/> was taken.</summary>
    public void Remember(KeyCheckTicket ticket, string keyId, string secret, AuthenticationResult result)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(result);
        var settings = options.Value;
        if (!Enabled || result.Principal is null || ticket.Generation != Volatile.Read(ref _generations[Stripe(ticket.WorkspaceId)]) || ticket.CatalogVersion != CatalogVersion || !PricesInForceHere(ticket.WorkspaceId, result))
        {
            return;
        }

        var now = time.GetUtcNow();
        var expires = now + settings.Lifetime;
        if (result.ValidUntil is { } validUntil && validUntil < expires)
        {
            expires = validUntil;
        }

        if (expires <= now || (_entries.Count >= settings.MaxEntries && !Sweep(now, settings.MaxEntries)))
        {
            return;
        }

        // Stored with the ticket's generation: a Forget between the check above and this write leaves it unusable.
        _entries[(ticket.WorkspaceId, keyId)] = new RememberedKeyCheck(Hash(secret), result, ticket.Generation, ticket.CatalogVersion, expires);
    }

    /// <summary>Forgets every remembered check of <paramref name="workspaceId"/>; called before the workspace writes a change.</summary>
    public void Forget(string workspaceId)
    {
        ArgumentNullException.ThrowIfNull(workspaceId);
        Interlocked.Increment(ref _generations[Stripe(workspaceId)]);
    }

    private long CatalogVersion => catalog.Current?.Version ?? 0;

    /// <summary>
    /// Whether the model settings in <paramref name="result"/> are what this silo's catalogue gives now. The workspace
    /// grain may run on a silo the operator's change has not reached yet (each silo's catalogue version is its own
    /// counter, so versions cannot be compared across silos); such an answer is used once and not remembered.
    /// </summary>
    private bool PricesInForceHere(string workspaceId, AuthenticationResult result)
    {
        if (result.Proxy?.Model is not { } model)
        {
            return true;
        }

        return catalog.Current is { } snapshot
            && snapshot.ById.TryGetValue(model.CatalogId, out var entry)
            && entry.Allows(workspaceId)
            && entry.Resolve(model.MaxOutputTokens) == model;
    }

    /// <summary>Which generation counter <paramref name="workspaceId"/> shares (internal for tests that need two apart).</summary>
    internal static int Stripe(string workspaceId) => (int)((uint)StringComparer.Ordinal.GetHashCode(workspaceId) % Stripes);

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Drops expired and forgotten entries (at most once per <see cref="SweepInterval"/>); true when that made room.</summary>
    private bool Sweep(DateTimeOffset now, int maxEntries)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepInterval).UtcTicks, next) != next)
        {
            return false;
        }

        foreach (var (key, entry) in _entries)
        {
            if (now >= entry.ExpiresAt || entry.Generation != Volatile.Read(ref _generations[Stripe(key.WorkspaceId)]))
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }

        return _entries.Count < maxEntries;
    }
}
