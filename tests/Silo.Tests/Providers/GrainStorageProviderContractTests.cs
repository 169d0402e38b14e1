namespace Platform.Silo.Tests.Providers;

/// <summary>
/// What grains rely on from Orleans' <see cref="IGrainStorage"/>, run on every provider <c>Silo:Storage</c> offers
/// (sqlite, postgres, azure) as the silo configures it: read your write, ETag conflicts, clear.
/// </summary>
// Conflicts are asserted as InconsistentStateException or a subclass: Azure throws TableStorageUpdateConditionNotSatisfiedException,
// which Orleans treats the same (it deactivates the activation).
public abstract class GrainStorageProviderContractTests(ProviderFixture fixture)
{
    private const string StateName = "contract";

    protected ProviderFixture Fixture { get; } = fixture;

    private IGrainStorage Storage => Fixture.Storage;

    [Fact]
    public async Task A_state_never_written_reads_as_a_new_instance_without_a_record()
    {
        var read = await ReadAsync(NewGrain());

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.NotNull(read.State);
        Assert.Equal(0, read.State!.Number);
    }

    [Fact]
    public async Task A_write_reads_back_with_its_etag()
    {
        var grain = NewGrain();
        var written = new GrainState<ContractState>(new ContractState { Text = "hello", Number = 7 });

        await Storage.WriteStateAsync(StateName, grain, written);
        var read = await ReadAsync(grain);

        Assert.NotNull(written.ETag);
        Assert.True(written.RecordExists);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("hello", read.State!.Text);
        Assert.Equal(7, read.State!.Number);
    }

    [Fact]
    public async Task Each_write_gets_a_new_etag_and_the_last_one_is_stored()
    {
        var grain = NewGrain();
        var state = new GrainState<ContractState>(new ContractState());
        var etags = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            state.State!.Number = i;
            await Storage.WriteStateAsync(StateName, grain, state);
            etags.Add(state.ETag!);
        }

        Assert.Equal(3, etags.Distinct().Count());
        var read = await ReadAsync(grain);
        Assert.Equal(3, read.State!.Number);
        Assert.Equal(etags[^1], read.ETag);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused_and_the_winner_stays_stored()
    {
        var grain = NewGrain();
        await Storage.WriteStateAsync(StateName, grain, new GrainState<ContractState>(new ContractState { Text = "original" }));
        var winner = await ReadAsync(grain);
        var loser = await ReadAsync(grain);

        winner.State!.Text = "winner";
        await Storage.WriteStateAsync(StateName, grain, winner);
        loser.State!.Text = "loser";
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, loser));

        var read = await ReadAsync(grain);
        Assert.Equal("winner", read.State!.Text);
        Assert.Equal(winner.ETag, read.ETag);
    }

    [Fact]
    public async Task Creating_a_state_that_already_exists_is_refused()
    {
        var grain = NewGrain();
        await Storage.WriteStateAsync(StateName, grain, new GrainState<ContractState>(new ContractState { Text = "first" }));

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, new GrainState<ContractState>(new ContractState { Text = "second" })));

        Assert.Equal("first", (await ReadAsync(grain)).State!.Text);
    }

    [Fact]
    public async Task A_cleared_state_reads_as_new_and_can_be_written_again_but_not_by_a_stale_writer()
    {
        var grain = NewGrain();
        var state = new GrainState<ContractState>(new ContractState { Text = "doomed", Number = 3 });
        await Storage.WriteStateAsync(StateName, grain, state);
        var stale = await ReadAsync(grain);

        await Storage.ClearStateAsync(StateName, grain, state);
        var cleared = await ReadAsync(grain);

        Assert.False(state.RecordExists);
        Assert.False(cleared.RecordExists);
        Assert.Equal(0, cleared.State!.Number);
        Assert.Equal("", cleared.State!.Text);
        stale.State!.Text = "stale";
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, stale));
        state.State!.Text = "reborn";
        await Storage.WriteStateAsync(StateName, grain, state);
        Assert.Equal("reborn", (await ReadAsync(grain)).State!.Text);
    }

    [Fact]
    public async Task A_clear_with_a_stale_etag_is_refused_and_the_state_stays()
    {
        var grain = NewGrain();
        await Storage.WriteStateAsync(StateName, grain, new GrainState<ContractState>(new ContractState { Text = "original" }));
        var stale = await ReadAsync(grain);
        var current = await ReadAsync(grain);
        current.State!.Text = "kept";
        await Storage.WriteStateAsync(StateName, grain, current);

        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, grain, stale));

        Assert.Equal("kept", (await ReadAsync(grain)).State!.Text);
    }

    protected static GrainId NewGrain() => GrainId.Create("provider-contract", Guid.NewGuid().ToString("N"));

    private async Task<GrainState<ContractState>> ReadAsync(GrainId grain)
    {
        var state = new GrainState<ContractState>();
        await Storage.ReadStateAsync(StateName, grain, state);
        return state;
    }
}
