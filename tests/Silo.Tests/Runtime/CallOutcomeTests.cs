using Platform.Silo.Tests.Grains;

namespace Platform.Silo.Tests.Runtime;

[Collection(RuntimeSiloGroup.Name)]
public sealed class CallOutcomeTests(RuntimeSiloFixture fixture)
{
    [Fact]
    public async Task Exception_thrown_after_an_await_reaches_the_caller_with_its_type()
    {
        var grain = fixture.Grains.GetGrain<IFaultGrain>(TestGates.NewKey("fault"));

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ThrowAfterAwaitAsync("no such run"));

        Assert.Equal("no such run", exception.Message);
    }

    [Fact]
    public async Task Exception_thrown_before_a_task_exists_reaches_the_caller_with_its_type()
    {
        var grain = fixture.Grains.GetGrain<IFaultGrain>(TestGates.NewKey("fault"));

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.ThrowSynchronouslyAsync(5));

        Assert.Equal(5, exception.ActualValue);
    }

    [Fact]
    public async Task Exception_thrown_before_a_task_exists_by_an_active_grain_keeps_its_type()
    {
        // The first call waits for activation and takes the queued path; later ones run inline on the caller's thread.
        var grain = fixture.Grains.GetGrain<IFaultGrain>(TestGates.NewKey("fault"));
        Assert.Equal(1, await grain.EchoAsync(1));

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.ThrowSynchronouslyAsync(7));

        Assert.Equal(7, exception.ActualValue);
    }

    [Fact]
    public async Task Grain_defined_exception_reaches_the_caller_with_its_type()
    {
        var grain = fixture.Grains.GetGrain<IFaultGrain>(TestGates.NewKey("fault"));

        await Assert.ThrowsAsync<BudgetRefusedException>(grain.ThrowCustomAsync);
    }

    [Fact]
    public async Task A_failed_call_leaves_the_activation_usable()
    {
        var grain = fixture.Grains.GetGrain<IFaultGrain>(TestGates.NewKey("fault"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.ThrowAfterAwaitAsync("x"));

        Assert.Equal(3, await grain.EchoAsync(3));
    }

    [Fact]
    public async Task Call_that_outlives_the_timeout_fails_naming_grain_and_method()
    {
        var key = TestGates.NewKey("slow");
        var grain = fixture.Grains.GetGrain<IFaultGrain>(key);
        var call = grain.WaitForGateAsync();

        fixture.Silo.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(call.IsCompleted);
        fixture.Silo.Time.Advance(TimeSpan.FromSeconds(2));

        var exception = await Assert.ThrowsAsync<TimeoutException>(() => call);
        Assert.Contains("IFaultGrain.WaitForGateAsync", exception.Message, StringComparison.Ordinal);
        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:30", exception.Message, StringComparison.Ordinal);
        TestGates.Gate(key).SetResult();
    }

    [Fact]
    public void Reference_with_an_empty_key_is_refused() =>
        Assert.Throws<ArgumentException>(() => fixture.Grains.GetGrain<IFaultGrain>(""));

    [Fact]
    public void Reference_with_an_over_long_key_is_refused() =>
        Assert.Throws<ArgumentException>(() => fixture.Grains.GetGrain<IFaultGrain>(new string('x', 257)));

    [Fact]
    public void Reference_with_a_control_character_in_its_key_is_refused() =>
        Assert.Throws<ArgumentException>(() => fixture.Grains.GetGrain<IFaultGrain>("run\u00001"));

    [Fact]
    public void Interface_taking_a_mutable_argument_is_refused_with_the_rule()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => fixture.Grains.GetGrain<IMutableArgumentGrain>("m"));

        Assert.Contains("IMutableArgumentGrain.AddAllAsync parameter 'items' has type List<String>", exception.Message, StringComparison.Ordinal);
        Assert.Contains("must be immutable", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task References_to_the_same_grain_reach_one_activation()
    {
        var key = TestGates.NewKey("one");
        var ids = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => fixture.Grains.GetGrain<ILifecycleGrain>(key).ActivationIdAsync())));

        Assert.Single(ids.Distinct());
        Assert.Single(TestGates.Events(key), "activated");
    }
}
