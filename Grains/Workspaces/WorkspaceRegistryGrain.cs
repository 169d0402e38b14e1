using System.Text.Json;
using Platform.Grains.Interfaces.Budget;
using Platform.Grains.Interfaces.Workspaces;
using Platform.Silo.Journal;

namespace Platform.Grains.Workspaces;

/// <summary>
/// The installation's list of workspaces. Kept as the journal stream <c>registry/workspaces</c> (one small append per
/// creation, rename or deletion, instead of rewriting a list that only grows) and folded into memory on activation.
/// A deleted workspace stays in the fold as forgotten, so a page cursor naming it still works.
/// </summary>
[GrainType("workspace-registry")]
public sealed class WorkspaceRegistryGrain(IJournalStorage journal) : Grain, IWorkspaceRegistryGrain
{
    /// <summary>The registry grain's key: one registry per installation.</summary>
    public const string Key = "installation";

    /// <summary>The most workspaces one page lists; each costs a budget read, so a page's cost stays bounded.</summary>
    public const int MaxLimit = 100;

    private const string Stream = "registry/workspaces";
    private const int JournalPageSize = 1000;
    private const int AppendAttempts = 3;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, RegisteredWorkspace> _byId = new(StringComparer.Ordinal);
    private readonly List<RegisteredWorkspace> _inOrder = [];
    private long _lastSequence;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => CatchUpAsync(cancellationToken);

    public Task RecordAsync(string workspaceId, string name, DateTimeOffset createdAt)
    {
        ValidateId(workspaceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return AppendAsync(() => _byId.TryGetValue(workspaceId, out var known) && (known.Forgotten || known.Name == name)
            ? null
            : new WorkspaceRegistryEntry(WorkspaceRegistryEntry.Recorded, workspaceId, name, createdAt));
    }

    public Task ForgetAsync(string workspaceId)
    {
        ValidateId(workspaceId);
        return AppendAsync(() => _byId.TryGetValue(workspaceId, out var known) && !known.Forgotten
            ? new WorkspaceRegistryEntry(WorkspaceRegistryEntry.Forgotten, workspaceId, null, null)
            : null);
    }

    public async Task<WorkspacePage> ListAsync(string? after, int limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw new ArgumentException($"limit must be between 1 and {MaxLimit}.", nameof(limit));
        }

        var start = 0;
        if (after is not null)
        {
            if (!_byId.TryGetValue(after, out var cursor))
            {
                throw new ArgumentException($"after must be the id of a listed workspace (the \"next\" of the previous page); '{after}' is not one.", nameof(after));
            }

            start = cursor.Position + 1;
        }

        // Chosen before the first await: a workspace recorded meanwhile belongs to a later page.
        var page = new List<RegisteredWorkspace>(limit);
        var i = start;
        for (; i < _inOrder.Count && page.Count < limit; i++)
        {
            if (!_inOrder[i].Forgotten)
            {
                page.Add(_inOrder[i]);
            }
        }

        var more = _inOrder.Skip(i).Any(static w => !w.Forgotten);
        var summaries = await Task.WhenAll(page.Select(SummaryAsync));
        return new WorkspacePage([.. summaries], more ? page[^1].WorkspaceId : null);
    }

    public Task<WorkspaceSummary> GetAsync(string workspaceId) =>
        _byId.TryGetValue(workspaceId ?? "", out var known) && !known.Forgotten
            ? SummaryAsync(known)
            : throw new WorkspaceNotFoundException($"No workspace '{workspaceId}'.");

    private async Task<WorkspaceSummary> SummaryAsync(RegisteredWorkspace workspace)
    {
        var (id, name, createdAt) = (workspace.WorkspaceId, workspace.Name, workspace.CreatedAt);
        var budget = await GrainFactory.GetGrain<IBudgetGrain>(id).GetStatusAsync();
        return new WorkspaceSummary(id, name, createdAt, budget.Period, budget.CapMicros, budget.SpentMicros);
    }

    /// <summary>
    /// Appends what <paramref name="change"/> decides against the current fold (null: nothing to do). Another
    /// activation may have appended first (two silos during a membership change): then the fold catches up and the
    /// change is decided again, so neither writer's entry is lost or doubled.
    /// </summary>
    private async Task AppendAsync(Func<WorkspaceRegistryEntry?> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (change() is not { } entry)
            {
                return;
            }

            try
            {
                var bytes = JsonSerializer.SerializeToUtf8Bytes(entry, s_json);
                _lastSequence = await journal.AppendAsync(Stream, _lastSequence, [bytes]);
                Apply(entry);
                return;
            }
            catch (InconsistentStateException) when (attempt < AppendAttempts)
            {
                await CatchUpAsync(CancellationToken.None);
            }
        }
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var rows = await journal.ReadAsync(Stream, _lastSequence, JournalPageSize, cancellationToken);
            foreach (var row in rows)
            {
                Apply(JsonSerializer.Deserialize<WorkspaceRegistryEntry>(row.Payload, s_json)
                    ?? throw new GrainStateCorruptException($"Entry {row.Sequence} of {Stream} is empty."));
                _lastSequence = row.Sequence;
            }

            if (rows.Count < JournalPageSize)
            {
                return;
            }
        }
    }

    private void Apply(WorkspaceRegistryEntry entry)
    {
        _byId.TryGetValue(entry.WorkspaceId, out var known);
        switch (entry.Kind)
        {
            case WorkspaceRegistryEntry.Recorded when known is null:
                var added = new RegisteredWorkspace { WorkspaceId = entry.WorkspaceId, Position = _inOrder.Count, Name = entry.Name ?? "", CreatedAt = entry.CreatedAt ?? default };
                _byId.Add(added.WorkspaceId, added);
                _inOrder.Add(added);
                break;
            case WorkspaceRegistryEntry.Recorded:
                known.Name = entry.Name ?? known.Name;
                break;
            case WorkspaceRegistryEntry.Forgotten when known is not null:
                known.Forgotten = true;
                break;
        }
    }

    private static void ValidateId(string workspaceId)
    {
        if (!WorkspaceIds.IsValid(workspaceId))
        {
            throw new ArgumentException($"'{workspaceId}' is not a workspace id.", nameof(workspaceId));
        }
    }
}
