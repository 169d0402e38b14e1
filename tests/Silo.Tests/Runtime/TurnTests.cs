using Platform.Silo.Tests.Grains;

namespace Platform.Silo.Tests.Runtime;

[Collection(RuntimeSiloGroup.Name)]
public sealed class TurnTests(RuntimeSiloFixture fixture)
{
    [Fact]
    public async Task Requests_run_in_arrival_order_behind_a_waiting_turn()
    {
        var key = TestGates.NewKey("order");
        var grain = fixture.Grains.GetGrain<IOrderGrain>(key);
        var first = grain.AppendAfterGateAsync(0);
        var rest = Enumerable.Range(1, 200).Select(grain.AppendAsync).ToArray();

        Assert.False(first.IsCompleted);
        Assert.All(rest, t => Assert.False(t.IsCompleted));
        TestGates.Gate(key).SetResult();
        await Task.WhenAll(rest.Prepend(first)).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(0, 201), await grain.GetAsync());
    }

    [Fact]
    public async Task An_await_inside_a_grain_method_keeps_the_turn()
    {
        var grain = fixture.Grains.GetGrain<IOrderGrain>(TestGates.NewKey("turn"));
        var callers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await grain.AppendAsync((c * 1000) + i);
            }
        }));
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal(1, await grain.MaxConcurrencyAsync());
        Assert.Equal(800, (await grain.GetAsync()).Length);
    }

    [Fact]
    public async Task Always_interleave_method_answers_while_a_turn_waits()
    {
        var key = TestGates.NewKey("interleave");
        var grain = fixture.Grains.GetGrain<IOrderGrain>(key);
        var waiting = grain.AppendAfterGateAsync(7);

        var count = await grain.CountAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(0, count);
        Assert.False(waiting.IsCompleted);
        TestGates.Gate(key).SetResult();
        await waiting;
    }

    [Fact]
    public async Task A_call_chain_that_returns_to_its_origin_completes()
    {
        var a = fixture.Grains.GetGrain<IChainGrain>(TestGates.NewKey("a"));
        var b = fixture.Grains.GetGrain<IChainGrain>(TestGates.NewKey("b"));

        var path = await a.StartAsync(b).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var aKey = ((IGrainReference)a).GrainId.Key;
        var bKey = ((IGrainReference)b).GrainId.Key;
        Assert.Equal($"{aKey}>{bKey}>{aKey}!", path);
    }

    [Fact]
    public async Task Parallel_calls_from_one_grain_to_another_do_not_interleave_at_the_target()
    {
        // Being on the same call chain only lets a request in when its target is already on that chain.
        var key = TestGates.NewKey("target");
        var target = fixture.Grains.GetGrain<IOrderGrain>(key);
        await Task.WhenAll(Enumerable.Range(0, 50).Select(target.AppendAsync));

        Assert.Equal(1, await target.MaxConcurrencyAsync());
    }
}
