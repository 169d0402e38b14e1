using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Platform.Grains.Interfaces.Models;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Grains.Models;
using Platform.Grains.Workspaces;
using Platform.Testing;

namespace Platform.Grains.Tests.Workspaces;

/// <summary>
/// The gateway's memory of successful key checks: it answers only the same key with the same secret, only while the
/// workspace, the catalogue's prices and the key itself are unchanged, and never remembers a refusal.
/// </summary>
public sealed class KeyAuthenticationCacheTests
{
    private const string KeyId = "key000000001";
    private const string Secret = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-x";
    private static readonly string Workspace = WorkspaceIds.NewWorkspaceId();
    private static readonly CatalogEntry Cheap = new("cheap", "openai", "gpt-4o-mini", "http://127.0.0.1:9/v1", 150, 600, 1000);

    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ModelCatalogCache _catalog = new();

    public KeyAuthenticationCacheTests() => _catalog.Publish([CatalogEntry.Default, Cheap]);

    [Fact]
    public void A_remembered_check_answers_the_same_key_and_secret_until_its_lifetime_ends()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));
        var answer = Allowed();
        cache.Remember(cache.Begin(Workspace), KeyId, Secret, answer);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(answer, cache.Find(Workspace, KeyId, Secret));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(cache.Find(Workspace, KeyId, Secret));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Another_secret_another_key_or_another_workspace_is_never_answered_from_memory()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));
        cache.Remember(cache.Begin(Workspace), KeyId, Secret, Allowed());

        Assert.Null(cache.Find(Workspace, KeyId, Secret[..^1] + "y"));
        Assert.Null(cache.Find(Workspace, KeyId, ""));
        Assert.Null(cache.Find(Workspace, "key000000002", Secret));
        Assert.Null(cache.Find(WorkspaceIds.NewWorkspaceId(), KeyId, Secret));
        Assert.NotNull(cache.Find(Workspace, KeyId, Secret));
    }

    [Fact]
    public void A_refusal_is_never_remembered()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));

        cache.Remember(cache.Begin(Workspace), KeyId, Secret, new AuthenticationResult(null, "The API key was revoked."));

        Assert.Null(cache.Find(Workspace, KeyId, Secret));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Forgetting_the_workspace_ends_its_remembered_checks_at_once()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));
        cache.Remember(cache.Begin(Workspace), KeyId, Secret, Allowed());

        cache.Forget(Workspace);

        Assert.Null(cache.Find(Workspace, KeyId, Secret));
    }

    [Fact]
    public void An_answer_asked_for_before_the_workspace_changed_is_not_remembered_after_the_change()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));
        var ticket = cache.Begin(Workspace);

        // The workspace changes while its grain is being asked: the answer may predate the change.
        cache.Forget(Workspace);
        cache.Remember(ticket, KeyId, Secret, Allowed());

        Assert.Null(cache.Find(Workspace, KeyId, Secret));
        cache.Remember(cache.Begin(Workspace), KeyId, Secret, Allowed());
        Assert.NotNull(cache.Find(Workspace, KeyId, Secret));
    }

    [Fact]
    public void A_check_is_not_remembered_past_the_keys_own_expiry()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));
        cache.Remember(cache.Begin(Workspace), KeyId, Secret, Allowed(validUntil: _time.GetUtcNow().AddSeconds(10)));

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(cache.Find(Workspace, KeyId, Secret));
        cache.Remember(cache.Begin(Workspace), KeyId, Secret, Allowed(validUntil: _time.GetUtcNow()));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_change_of_the_catalogue_ends_remembered_checks_and_outdated_answers_are_not_remembered()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));
        cache.Remember(cache.Begin(Workspace), KeyId, Secret, Allowed(Cheap));
        var before = cache.Begin(Workspace);

        _catalog.Publish([CatalogEntry.Default, Cheap with { InputPricePer1kTokens = 300 }]);

        Assert.Null(cache.Find(Workspace, KeyId, Secret));
        cache.Remember(before, KeyId, Secret, Allowed(Cheap));
        Assert.Null(cache.Find(Workspace, KeyId, Secret));
    }

    [Fact]
    public void Prices_other_than_this_silos_catalogue_gives_are_not_remembered()
    {
        // The workspace grain ran on a silo the operator's price change had not reached yet.
        var cache = Cache(TimeSpan.FromSeconds(30));

        cache.Remember(cache.Begin(Workspace), KeyId, Secret, Allowed(Cheap with { OutputPricePer1kTokens = 1 }));
        cache.Remember(cache.Begin(Workspace), "key000000002", Secret, Allowed(Cheap with { Id = "removed" }));

        Assert.Equal(0, cache.Count);
        cache.Remember(cache.Begin(Workspace), KeyId, Secret, Allowed(Cheap));
        Assert.NotNull(cache.Find(Workspace, KeyId, Secret));
    }

    [Fact]
    public void A_model_this_silos_catalogue_no_longer_lets_the_workspace_use_is_not_remembered()
    {
        var cache = Cache(TimeSpan.FromSeconds(30));
        _catalog.Publish([CatalogEntry.Default, Cheap with { Workspaces = [WorkspaceIds.NewWorkspaceId()] }]);

        cache.Remember(cache.Begin(Workspace), KeyId, Secret, Allowed(Cheap));

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_lifetime_of_zero_remembers_nothing()
    {
        var cache = Cache(TimeSpan.Zero);

        cache.Remember(cache.Begin(Workspace), KeyId, Secret, Allowed());

        Assert.Null(cache.Find(Workspace, KeyId, Secret));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_full_cache_makes_room_from_expired_checks_and_otherwise_remembers_no_more()
    {
        var cache = Cache(TimeSpan.FromSeconds(30), maxEntries: 2);
        cache.Remember(cache.Begin(Workspace), "key000000001", Secret, Allowed());
        cache.Remember(cache.Begin(Workspace), "key000000002", Secret, Allowed());

        cache.Remember(cache.Begin(Workspace), "key000000003", Secret, Allowed());
        Assert.Null(cache.Find(Workspace, "key000000003", Secret));
        Assert.NotNull(cache.Find(Workspace, "key000000001", Secret));

        _time.Advance(TimeSpan.FromSeconds(30));
        cache.Remember(cache.Begin(Workspace), "key000000003", Secret, Allowed());
        Assert.NotNull(cache.Find(Workspace, "key000000003", Secret));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void A_cache_full_of_live_checks_is_swept_at_most_once_a_second()
    {
        var cache = Cache(TimeSpan.FromSeconds(30), maxEntries: 1);
        cache.Remember(cache.Begin(Workspace), "key000000001", Secret, Allowed(validUntil: _time.GetUtcNow().AddMilliseconds(500)));
        cache.Remember(cache.Begin(Workspace), "key000000002", Secret, Allowed());

        // The first entry expires, but the sweep that found nothing a moment ago does not run again within the second.
        _time.Advance(TimeSpan.FromMilliseconds(600));
        cache.Remember(cache.Begin(Workspace), "key000000002", Secret, Allowed());
        Assert.Null(cache.Find(Workspace, "key000000002", Secret));

        _time.Advance(TimeSpan.FromMilliseconds(400));
        cache.Remember(cache.Begin(Workspace), "key000000002", Secret, Allowed());
        Assert.NotNull(cache.Find(Workspace, "key000000002", Secret));
    }

    private KeyAuthenticationCache Cache(TimeSpan lifetime, int maxEntries = 100) =>
        new(Options.Create(new KeyCacheOptions { Lifetime = lifetime, MaxEntries = maxEntries }), _catalog, _time);

    private static AuthenticationResult Allowed(CatalogEntry? model = null, DateTimeOffset? validUntil = null)
    {
        var principal = new KeyPrincipal(Workspace, KeyId, "owner@acme.test", [ApiKeyScope.Proxy], [WorkspaceRole.Member]);
        var proxy = model is null ? null : new ProxySettings(model.Resolve(null), false, TestClock.DefaultStart, EgressPolicy.Default);
        return new AuthenticationResult(principal, null, proxy, validUntil);
    }
}
