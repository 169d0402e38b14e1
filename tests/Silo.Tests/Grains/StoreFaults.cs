namespace Platform.Silo.Tests.Grains;

/// <summary>A switch the test flips, shared by every silo's <see cref="FaultyStateStore"/>: the next writes fail as storage being down.</summary>
public sealed class StoreFaults
{
    private int _failingWrites;

    /// <summary>The next <paramref name="count"/> writes or clears throw <see cref="StorageUnavailableException"/>.</summary>
    public void FailNextWrites(int count) => Interlocked.Exchange(ref _failingWrites, count);

    internal bool TakeFailure()
    {
        int left;
        do
        {
            left = Volatile.Read(ref _failingWrites);
            if (left <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _failingWrites, left - 1, left) != left);

        return true;
    }
}
