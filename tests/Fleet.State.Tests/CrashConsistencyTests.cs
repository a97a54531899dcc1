using System.Security.Cryptography;
using System.Text;

namespace Fleet.State.Tests;

public sealed class CrashConsistencyTests
{
    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData(40)]
    [InlineData(173)]
    [InlineData(400)]
    public async Task A_writer_killed_during_puts_leaves_a_consistent_database_holding_every_acknowledged_row(int killAfter)
    {
        using var state = new TemporaryState();
        await using (await state.OpenAsync())
        {
        }

        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        using (var writer = DummyProcess.Start("write-many", state.DatabasePath, "1000000"))
        {
            while (acknowledged.Count < killAfter)
            {
                var line = await writer.ReadLineAsync(TimeSpan.FromSeconds(60));
                Assert.NotNull(line);
                acknowledged.Add(line!["wrote ".Length..]);
            }

            // Writes are under way: the writer is still running and has far more to write.
            Assert.False(writer.HasExited);
            await writer.KillAsync();
            acknowledged.UnionWith((await writer.ReadToEndAsync()).Select(l => l["wrote ".Length..]));
        }

        Assert.Equal("ok", await RawDatabase.ScalarAsync(state.DatabasePath, "PRAGMA integrity_check;"));
        await using var store = await state.OpenAsync();
        var resources = await store.LoadResourcesAsync(CancellationToken.None);

        Assert.Superset(acknowledged, resources.Keys.ToHashSet());
        Assert.InRange(resources.Count, acknowledged.Count, acknowledged.Count + 1);
        Assert.Equal(resources.Count, await store.GetSerialAsync(CancellationToken.None));
        foreach (var (id, resource) in resources)
        {
            var payload = resource.Inputs.GetProperty("payload").GetString()!;
            Assert.Equal($"r{resource.Inputs.GetProperty("i").GetInt32()}", id);
            Assert.Equal(resource.Inputs.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload))));
            Assert.Equal(resource.Inputs.GetRawText(), resource.Outputs.GetRawText());
        }
    }
}
