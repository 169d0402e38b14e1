using System.Collections.Concurrent;

namespace Platform.Silo.Tests.Grains;

/// <summary>
/// Counters per grain key that outlive activations, so a test can see two activations of one grain alive at once, two
/// requests inside one grain at once, or a call that ran twice. Updated under a lock: the counters must be exact even
/// when the runtime under test is wrong.
/// </summary>
public sealed class StressStats
{
    private static readonly ConcurrentDictionary<string, StressStats> s_all = new();

    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<long, int> _runs = new();
    private int _live;
    private int _maxLive;
    private int _inside;
    private int _maxInside;
    private int _activations;
    private int _deactivations;

    public static StressStats For(string key) => s_all.GetOrAdd(key, _ => new StressStats());

    public int MaxLive
    {
        get
        {
            lock (_lock)
            {
                return _maxLive;
            }
        }
    }

    public int MaxInside
    {
        get
        {
            lock (_lock)
            {
                return _maxInside;
            }
        }
    }

    public int Activations
    {
        get
        {
            lock (_lock)
            {
                return _activations;
            }
        }
    }

    public int Deactivations
    {
        get
        {
            lock (_lock)
            {
                return _deactivations;
            }
        }
    }

    /// <summary>How many times each call id ran.</summary>
    public IReadOnlyDictionary<long, int> Runs => _runs;

    /// <summary>Counts an activation coming alive; returns which attempt this is (1 for the first).</summary>
    public int Activated()
    {
        lock (_lock)
        {
            _activations++;
            _live++;
            _maxLive = Math.Max(_maxLive, _live);
            return _activations;
        }
    }

    public void Deactivated()
    {
        lock (_lock)
        {
            _deactivations++;
            _live--;
        }
    }

    public void Enter()
    {
        lock (_lock)
        {
            _inside++;
            _maxInside = Math.Max(_maxInside, _inside);
        }
    }

    public void Leave()
    {
        lock (_lock)
        {
            _inside--;
        }
    }

    public void RecordRun(long callId) => _runs.AddOrUpdate(callId, 1, static (_, n) => n + 1);
}
