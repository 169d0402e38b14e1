using System.Collections.Immutable;

namespace Platform.Silo.Tests.Grains;

public sealed class OrderGrain : Grain, IOrderGrain
{
    private ImmutableArray<int> _values = [];
    private int _inside;
    private int _maxInside;

    public async Task AppendAsync(int value)
    {
        Enter();
        for (var i = 0; i < 3; i++)
        {
            await Task.Yield();
        }

        _values = _values.Add(value);
        Leave();
    }

    public async Task AppendAfterGateAsync(int value)
    {
        Enter();
        await TestGates.Gate(PrimaryKey).Task;
        _values = _values.Add(value);
        Leave();
    }

    public Task<ImmutableArray<int>> GetAsync() => Task.FromResult(_values);

    public Task<int> MaxConcurrencyAsync() => Task.FromResult(_maxInside);

    public Task<int> CountAsync() => Task.FromResult(_values.Length);

    private void Enter()
    {
        // Plain (non-atomic) arithmetic on purpose: the turn guarantee is what keeps it right.
        _inside++;
        _maxInside = Math.Max(_maxInside, _inside);
    }

    private void Leave() => _inside--;
}
