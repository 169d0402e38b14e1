using Microsoft.Extensions.Logging;
using Platform.Silo.Journal;

namespace Platform.Grains.Budget;

/// <summary>
/// Appends a batch of ledger entries, riding out storage that is briefly away. A database restart would otherwise cost
/// the settles of the batch in flight (answered calls the ledger never gets) and make the next activation withhold the
/// rest of the lease for the month. The same append, with the same expected sequence, is tried again for up to
/// <see cref="Patience"/>; the journal refuses a second copy, so retrying can never bill twice. An append whose answer
/// was lost may have landed: a conflict after a retry is checked against what the ledger now holds after the expected
/// sequence, and is this batch's own earlier write when the entries are these, byte for byte. Any other conflict means
/// another activation writes this ledger and is passed on, as is storage still away after the patience.
/// </summary>
internal sealed class LedgerAppender(IJournalStorage journal, string stream, string workspaceId, TimeProvider time, ILogger logger)
{
    /// <summary>How long one batch's append is retried while storage is unavailable.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan s_firstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_longestRetry = TimeSpan.FromSeconds(4);

    /// <summary>Appends <paramref name="payloads"/> after <paramref name="expected"/>.</summary>
    public async Task AppendAsync(long expected, ReadOnlyMemory<byte>[] payloads)
    {
        var delay = s_firstRetry;
        var waited = TimeSpan.Zero;
        while (true)
        {
            try
            {
                await journal.AppendAsync(stream, expected, payloads);
                return;
            }
            catch (InconsistentStateException) when (waited > TimeSpan.Zero)
            {
                if (await LandedAsync(expected, payloads))
                {
                    return;
                }

                throw;
            }
            catch (StorageUnavailableException ex) when (waited < Patience)
            {
                BudgetLog.LedgerWriteRetried(logger, workspaceId, payloads.Length, delay, ex);
                await Task.Delay(delay, time);
                waited += delay;
                delay = TimeSpan.FromTicks(Math.Min(s_longestRetry.Ticks, delay.Ticks * 2));
            }
        }
    }

    private async Task<bool> LandedAsync(long expected, ReadOnlyMemory<byte>[] payloads)
    {
        var stored = await journal.ReadAsync(stream, expected, payloads.Length);
        if (stored.Count != payloads.Length)
        {
            return false;
        }

        for (var i = 0; i < payloads.Length; i++)
        {
            if (stored[i].Sequence != expected + i + 1 || !stored[i].Payload.AsSpan().SequenceEqual(payloads[i].Span))
            {
                return false;
            }
        }

        return true;
    }
}
