namespace Platform.Security.Tests;

public sealed class RegistrationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Host_creates_the_key_file_0600_in_the_data_directory_at_start()
    {
        await using var silo = await EncryptionSilo.StartAsync(_directory.Path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_directory.KeyFile));
    }

    [Fact]
    public async Task Host_refuses_to_start_over_a_world_readable_key_file()
    {
        await (await EncryptionSilo.StartAsync(_directory.Path)).DisposeAsync();
        File.SetUnixFileMode(_directory.KeyFile, File.GetUnixFileMode(_directory.KeyFile) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => EncryptionSilo.StartAsync(_directory.Path));

        Assert.Contains(_directory.KeyFile, refused.Message, StringComparison.Ordinal);
        Assert.Contains("0644", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
