using System.Security.Cryptography;
using System.Text;
using Fleet.Agent.Secrets;

namespace Fleet.Agent.Tests;

/// <summary>write-secret, secret-status and remove-secret against a scratch root (its own etc/passwd and group).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretFilesTests : IDisposable
{
    private readonly ScratchNode _node = new("fleet-agent-secrets-");

    private string Destination => _node.Destination;

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_written_secret_has_its_content_owner_mode_and_the_salted_digest_and_no_temporary_file_is_left()
    {
        var written = await WriteAsync("s3cret", "nobody", "nogroup", "0440");

        Assert.Equal("s3cret", await File.ReadAllTextAsync(Destination));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead, File.GetUnixFileMode(Destination));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("salt" + "s3cret"))), written.Digest);
        Assert.Equal(new SecretStatus(true) { Owner = "nobody", Group = "nogroup", Mode = "0440", Digest = written.Digest, PendingOwner = false },
            await _node.Secrets.StatusAsync(Destination, "salt", CancellationToken.None));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(Destination)!));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_owner_that_does_not_exist_is_refused_unless_pending_owners_are_allowed()
    {
        await Assert.ThrowsAsync<UsageException>(() => WriteAsync("x", "web", "web", "0400"));

        var written = await WriteAsync("x", "web", "web", "0400", allowPending: true);

        Assert.True(written.PendingOwner);
        Assert.Equal("web", (await _node.Secrets.StatusAsync(Destination, "", CancellationToken.None)).Owner);
        File.AppendAllText(Path.Combine(_node.Root, "etc", "passwd"), "web:x:4242:4242::/:/bin/false\n");
        File.AppendAllText(Path.Combine(_node.Root, "etc", "group"), "web:x:4242:\n");
        Assert.Equal([$"gave {Destination} to web:web"], new PendingOwners(new AgentPaths(_node.Root)).Apply());
        Assert.Equal(new SecretStatus(true) { Owner = "web", Group = "web", Mode = "0400", Digest = written.Digest, PendingOwner = false },
            await _node.Secrets.StatusAsync(Destination, "salt", CancellationToken.None));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_removed_secret_is_reported_missing()
    {
        await WriteAsync("x", "root", "root", "0400");

        _node.Secrets.Remove(Destination);

        Assert.False((await _node.Secrets.StatusAsync(Destination, "salt", CancellationToken.None)).Exists);
    }

    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData("7777")]
    [InlineData("4400")]
    [InlineData("2440")]
    [InlineData("1600")]
    public async Task A_mode_with_setuid_setgid_or_sticky_bits_is_refused_and_nothing_is_written(string mode)
    {
        var e = await Assert.ThrowsAsync<UsageException>(() => WriteAsync("x", "root", "root", mode));

        Assert.Contains("0000-0777", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Destination));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Writing_over_a_directory_is_refused_and_the_directory_stays()
    {
        Directory.CreateDirectory(Path.Combine(Destination, "inside"));

        var e = await Assert.ThrowsAsync<UsageException>(() => WriteAsync("x", "root", "root", "0400"));

        Assert.Contains("is a directory", e.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(Destination, "inside")));
        Assert.Equal([Destination], Directory.GetFileSystemEntries(Path.GetDirectoryName(Destination)!));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task The_status_of_a_directory_is_an_error_not_a_missing_file()
    {
        Directory.CreateDirectory(Destination);

        var e = await Assert.ThrowsAsync<UsageException>(() => _node.Secrets.StatusAsync(Destination, "salt", CancellationToken.None));

        Assert.Contains("is a directory", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Removing_a_directory_is_an_error_and_the_directory_stays()
    {
        await Task.Yield();
        Directory.CreateDirectory(Destination);

        var e = Assert.Throws<UsageException>(() => _node.Secrets.Remove(Destination));

        Assert.Contains("is a directory", e.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Destination));
    }

    public void Dispose() => _node.Dispose();

    private async Task<SecretStatus> WriteAsync(string content, string owner, string group, string mode, bool allowPending = false)
    {
        using var input = new MemoryStream(SecretUploadTests.Frame(Encoding.UTF8.GetBytes(content)));
        return await _node.Secrets.WriteAsync(Destination, owner, group, mode, "salt", allowPending, input, CancellationToken.None);
    }
}
