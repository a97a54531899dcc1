using System.Text;
using System.Text.Json;

namespace Fleet.State.Tests;

public sealed class SensitiveValuesTests : IDisposable
{
    private const string Secret = "correct-horse-battery-staple-7f3a9";
    private readonly TemporaryState _state = new();

    public void Dispose() => _state.Dispose();

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_masked_sensitive_value_never_reaches_the_database_or_its_wal()
    {
        await using var store = await _state.OpenAsync();
        var inputs = Json($$$"""{"path":"/run/keys/db","password":"{{{Secret}}}","nested":{"token":"{{{Secret}}}"}}""");
        var masked = store.Sensitive.Mask(inputs, ["password", "nested"]);
        var now = DateTimeOffset.UtcNow;
        await store.PutAsync(new ResourceState("secret.file/db", "secret.file", "secrets", "db1", masked, masked, ResourceStatus.Ready, now, now, null), CancellationToken.None);

        var files = Directory.GetFiles(Path.GetDirectoryName(_state.DatabasePath)!);
        Assert.Contains(files, f => f.EndsWith("-wal", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = await ReadSharedAsync(file);
            Assert.DoesNotContain(Secret, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, Encoding.Unicode.GetString(bytes), StringComparison.Ordinal);
        }

        var stored = (await store.GetAsync("secret.file/db", CancellationToken.None))!;
        Assert.Equal("/run/keys/db", stored.Inputs.GetProperty("path").GetString());
        Assert.True(SensitiveValues.IsMasked(stored.Inputs.GetProperty("password")));
        Assert.True(store.Sensitive.Matches(stored.Inputs.GetProperty("password"), Json($"\"{Secret}\"")));
        Assert.False(store.Sensitive.Matches(stored.Inputs.GetProperty("password"), Json("\"something else\"")));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_hash_marker_is_keyed_and_the_key_file_is_private_to_its_owner()
    {
        await using var store = await _state.OpenAsync();
        using var other = new TemporaryState();
        await using var otherStore = await other.OpenAsync();

        var hash = store.Sensitive.Hash("\"hunter2\"");

        Assert.StartsWith("hmac-sha256:", hash, StringComparison.Ordinal);
        Assert.Equal(12 + 64, hash.Length);
        Assert.NotEqual(hash, otherStore.Sensitive.Hash("\"hunter2\""));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_state.DatabasePath + ".key"));
        }
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_key_survives_reopening_so_stored_hashes_still_compare()
    {
        string hash;
        await using (var store = await _state.OpenAsync())
        {
            hash = store.Sensitive.Hash("\"hunter2\"");
        }

        await using var reopened = await _state.OpenAsync();
        Assert.Equal(hash, reopened.Sensitive.Hash("\"hunter2\""));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Masking_hashes_the_canonical_spelling_so_key_order_and_spacing_do_not_matter()
    {
        await using var store = await _state.OpenAsync();

        var a = store.Sensitive.Mask(Json("""{"s":{"b":1,"a":[true,null]}}"""), ["s"]);
        var b = store.Sensitive.Mask(Json("""{ "s" : { "a" : [ true , null ] , "b" : 1 } }"""), ["s"]);

        Assert.Equal(a.GetRawText(), b.GetRawText());
        Assert.Equal(store.Sensitive.Hash("""{"a":[true,null],"b":1}"""), a.GetProperty("s").GetProperty("$sensitive").GetString());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Masking_twice_keeps_the_first_mask_and_other_fields_untouched()
    {
        await using var store = await _state.OpenAsync();
        var once = store.Sensitive.Mask(Json("""{"user":"root","password":"x"}"""), ["password"]);

        var twice = store.Sensitive.Mask(once, ["password", "absent"]);

        Assert.Equal(once.GetRawText(), twice.GetRawText());
        Assert.Equal("root", twice.GetProperty("user").GetString());
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
