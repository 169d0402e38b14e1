using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Grains.Audit;
using Platform.Grains.Interfaces.Models;
using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Models;

/// <summary>
/// The operator's model catalogue. The entries in force are, by id: the embedded default, then configuration
/// (<c>Platform:Models:Catalog</c>, read at every start), then the operator API's stored changes (a put replaces, a
/// delete removes, until the next put of that id). So configuration is the seed and the API the override: an edit made
/// through the API survives restarts and configuration changes, and an id the API never touched follows configuration.
/// After every change the entries are published to <see cref="ModelCatalogCache"/>, where workspaces read prices.
/// </summary>
// Pinned: stored rows and reminders are keyed by the grain type name, so a class rename must not change it.
[GrainType("modelcatalog")]
public sealed partial class ModelCatalogGrain(
    [PersistentState("catalog")] IPersistentState<ModelCatalogState> catalog,
    IOptions<ModelCatalogOptions> configured,
    IOptions<OpenAIModelOptions> providers,
    ModelCatalogCache cache,
    ModelCatalogCacheClient otherSilos,
    TimeProvider time,
    ILogger<ModelCatalogGrain> logger) : Grain, IModelCatalogGrain
{
    private ModelCatalogSnapshot _snapshot = null!;

    private ModelCatalogState State => catalog.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Since is null)
        {
            State.Since = time.GetUtcNow();
            await catalog.WriteStateAsync(cancellationToken);
        }

        Publish();
    }

    public Task<ModelCatalogView> GetAsync() => Task.FromResult(new ModelCatalogView(_snapshot.Entries));

    public async Task<CatalogEntry> PutAsync(CatalogEntry entry, string actor)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ModelCatalogRules.Validate(entry, providers.Value);
        if (entry.Workspaces is { } only)
        {
            var excluded = State.Uses.Count(u => u.Value == entry.Id && !only.Contains(u.Key, StringComparer.Ordinal));
            if (excluded > 0)
            {
                throw new WorkspaceConflictException($"'{entry.Id}' is the model of {excluded} workspace(s) the new list leaves out; add them to workspaces, or move them to another entry first.");
            }
        }

        var existing = _snapshot.ById.GetValueOrDefault(entry.Id);
        var stored = entry with { CreatedAt = existing?.CreatedAt ?? time.GetUtcNow() };
        State.Put[stored.Id] = stored;
        State.Removed.Remove(stored.Id);
        await catalog.WriteStateAsync();
        await PublishEverywhereAsync();
        await GrainFactory.AuditAsync(
            IModelCatalogGrain.Key,
            existing is null ? "catalog.entry_added" : "catalog.entry_changed",
            actor,
            string.Create(CultureInfo.InvariantCulture, $"Model '{stored.Id}' ({stored.Provider} {stored.Model}) at {stored.InputPricePer1kTokens}/{stored.OutputPricePer1kTokens} micro-dollars per 1k tokens, at most {stored.MaxOutputTokens} output tokens"),
            ("id", stored.Id),
            ("provider", stored.Provider),
            ("model", stored.Model),
            ("base_url", stored.BaseUrl ?? ""),
            ("input_price_per_1k", stored.InputPricePer1kTokens.ToString(CultureInfo.InvariantCulture)),
            ("output_price_per_1k", stored.OutputPricePer1kTokens.ToString(CultureInfo.InvariantCulture)),
            ("max_output_tokens", stored.MaxOutputTokens.ToString(CultureInfo.InvariantCulture)),
            ("workspaces", stored.Workspaces is { } w ? string.Join(",", w) : "all"));
        return _snapshot.ById[stored.Id];
    }

    public async Task DeleteAsync(string id, string actor)
    {
        if (id == CatalogEntry.DefaultId)
        {
            throw new WorkspaceConflictException($"'{CatalogEntry.DefaultId}' is the default entry, where every workspace without a choice runs; it cannot be removed (put it to reprice it).");
        }

        if (id is null || (!_snapshot.ById.ContainsKey(id) && !State.Put.ContainsKey(id)))
        {
            throw new WorkspaceNotFoundException($"No model '{id}' in the catalogue.");
        }

        var users = State.Uses.Count(u => u.Value == id);
        if (users > 0)
        {
            throw new WorkspaceConflictException($"'{id}' is the model of {users} workspace(s); they must choose another entry before it can be removed.");
        }

        State.Put.Remove(id);
        State.Removed.Add(id);
        await catalog.WriteStateAsync();
        await PublishEverywhereAsync();
        await GrainFactory.AuditAsync(IModelCatalogGrain.Key, "catalog.entry_removed", actor, $"Model '{id}' removed from the catalogue", ("id", id));
    }

    public async Task<CatalogEntry> UseAsync(string workspaceId, ModelChoice choice)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspaceId);
        ArgumentNullException.ThrowIfNull(choice);
        if (choice.CatalogId is null || !_snapshot.ById.TryGetValue(choice.CatalogId, out var entry) || !entry.Allows(workspaceId))
        {
            throw new ArgumentException($"model.catalogId: '{choice.CatalogId}' is not a model of the catalogue this workspace may use; accepted: {string.Join(", ", _snapshot.For(workspaceId).Select(static e => e.Id))}.", nameof(choice));
        }

        if (choice.MaxOutputTokens is { } max && (max < 1 || max > entry.MaxOutputTokens))
        {
            throw new ArgumentException($"model.maxOutputTokens must be from 1 to {entry.MaxOutputTokens}, the operator's limit for '{entry.Id}'; a workspace may lower it, not raise it.", nameof(choice));
        }

        var changed = entry.Id == CatalogEntry.DefaultId ? State.Uses.Remove(workspaceId) : State.Uses.GetValueOrDefault(workspaceId) != entry.Id;
        if (entry.Id != CatalogEntry.DefaultId)
        {
            State.Uses[workspaceId] = entry.Id;
        }

        if (changed)
        {
            await catalog.WriteStateAsync();
        }

        return entry;
    }

    public async Task ReleaseAsync(string workspaceId)
    {
        if (workspaceId is not null && State.Uses.Remove(workspaceId))
        {
            await catalog.WriteStateAsync();
        }
    }

    /// <summary>
    /// Publishes here and on every other silo, so a change is in force cluster-wide when the call returns. A silo that
    /// joins later loads the catalogue when its first workspace activates.
    /// </summary>
    private async Task PublishEverywhereAsync()
    {
        Publish();
        await otherSilos.PublishToOtherSilosAsync(_snapshot.Entries);
    }

    private void Publish()
    {
        var since = State.Since ?? time.GetUtcNow();
        var entries = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal)
        {
            [CatalogEntry.DefaultId] = CatalogEntry.Default with { CreatedAt = since },
        };
        foreach (var configuredEntry in configured.Value.Catalog)
        {
            var entry = configuredEntry.ToEntry() with { CreatedAt = since };
            entries[entry.Id] = entry;
        }

        foreach (var (id, entry) in State.Put)
        {
            // Stored under an allowlist that may since have narrowed: an entry the operator's key may no longer reach is left out.
            if (ModelCatalogRules.Problem(entry, providers.Value) is { } problem)
            {
                LogStoredEntryIgnored(logger, id, problem);
                continue;
            }

            entries[id] = entry;
        }

        foreach (var id in State.Removed)
        {
            if (id != CatalogEntry.DefaultId)
            {
                entries.Remove(id);
            }
        }

        _snapshot = cache.Publish([.. entries.Values.OrderBy(static e => e.Id, StringComparer.Ordinal)]);
    }

    [LoggerMessage(EventId = 4801, Level = LogLevel.Warning, Message = "The catalogue entry '{Id}' stored through the operator API is left out: {Problem}")]
    private static partial void LogStoredEntryIgnored(ILogger logger, string id, string problem);
}
