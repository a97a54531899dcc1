using System.Security.Cryptography;
using System.Text;
using Fleet.Agent.Secrets;
using Fleet.Nodes;

namespace Fleet.Agent.Tests;

/// <summary>
/// write-secret's stdin is a framed upload (docs/agent.md): the secret replaces the old one only
/// when exactly the announced length arrived, its SHA-256 matched the trailer and nothing
/// followed; otherwise the old file stays as it was and no temporary file is left. The frames
/// are built by hand here, byte for byte as documented, not with the deployer's writer.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretUploadTests : IDisposable
{
    private const string Old = "old-secret";
    private readonly ScratchNode _node = new("fleet-agent-upload-");

    private string Destination => _node.Destination;

    /// <summary>The documented frame: "fleet-secret 1 LENGTH\n", the content, "sha256 HEX\n", end of stream.</summary>
    public static byte[] Frame(byte[] content, long? length = null, byte[]? digestOf = null, string extra = "")
    {
        var header = Encoding.ASCII.GetBytes($"fleet-secret 1 {length ?? content.Length}\n");
        var trailer = Encoding.ASCII.GetBytes($"sha256 {Convert.ToHexStringLower(SHA256.HashData(digestOf ?? content))}\n{extra}");
        return [.. header, .. content, .. trailer];
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_complete_upload_replaces_the_old_secret_and_answers_the_salted_digest()
    {
        await WriteOldAsync();

        var written = await WriteAsync(Frame("new-secret"u8.ToArray()));

        Assert.Equal("new-secret", await File.ReadAllTextAsync(Destination));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("saltnew-secret"u8)), written.Digest);
        Assert.Equal([Destination], Directory.GetFiles(Path.GetDirectoryName(Destination)!));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_upload_that_ends_before_its_announced_length_keeps_the_old_secret_and_fails()
    {
        await WriteOldAsync();
        var content = Encoding.UTF8.GetBytes("new-secret-that-is-cut");
        var truncated = Frame(content)[..(content.Length - 5 + "fleet-secret 1 22\n".Length)];

        var e = await Assert.ThrowsAsync<SecretUploadException>(() => WriteAsync(truncated));

        Assert.Contains("ended after 17 of 22 bytes", e.Message, StringComparison.Ordinal);
        AssertOldSecretKept(e);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_upload_whose_trailer_is_missing_keeps_the_old_secret_and_fails()
    {
        await WriteOldAsync();
        var content = "new-secret"u8.ToArray();

        var e = await Assert.ThrowsAsync<SecretUploadException>(() => WriteAsync([.. Encoding.ASCII.GetBytes("fleet-secret 1 10\n"), .. content]));

        AssertOldSecretKept(e);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_upload_whose_digest_does_not_match_keeps_the_old_secret_and_fails()
    {
        await WriteOldAsync();

        var e = await Assert.ThrowsAsync<SecretUploadException>(() => WriteAsync(Frame("new-secret"u8.ToArray(), digestOf: "new-secreT"u8.ToArray())));

        Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
        AssertOldSecretKept(e);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_upload_with_bytes_after_its_trailer_keeps_the_old_secret_and_fails()
    {
        await WriteOldAsync();

        var e = await Assert.ThrowsAsync<SecretUploadException>(() => WriteAsync(Frame("new-secret"u8.ToArray(), extra: "x")));

        Assert.Contains("after the trailer", e.Message, StringComparison.Ordinal);
        AssertOldSecretKept(e);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Unframed_content_keeps_the_old_secret_and_fails_without_repeating_the_content()
    {
        await WriteOldAsync();

        var e = await Assert.ThrowsAsync<SecretUploadException>(() => WriteAsync("new-secret\n"u8.ToArray()));

        AssertOldSecretKept(e);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_temporary_file_left_by_a_killed_agent_is_deleted_by_the_next_upload()
    {
        await WriteOldAsync();
        var directory = Path.GetDirectoryName(Destination)!;

        // No process has this pid (above any pid_max), like the pid of an agent killed mid-upload.
        var abandoned = Path.Combine(directory, ".db.fleet-2147483647.tmp");
        await File.WriteAllTextAsync(abandoned, "partial");
        await WriteAsync(Frame("new-secret"u8.ToArray()));

        Assert.Equal([Destination], Directory.GetFiles(directory));
    }

    public void Dispose() => _node.Dispose();

    private void AssertOldSecretKept(Exception e)
    {
        Assert.DoesNotContain("new-secre", e.Message, StringComparison.Ordinal);
        Assert.Equal(Old, File.ReadAllText(Destination));
        Assert.Equal([Destination], Directory.GetFiles(Path.GetDirectoryName(Destination)!));
    }

    private async Task WriteOldAsync()
    {
        await WriteAsync(Frame(Encoding.UTF8.GetBytes(Old)));
        Assert.Equal(Old, await File.ReadAllTextAsync(Destination));
    }

    private async Task<SecretStatus> WriteAsync(byte[] input)
    {
        using var stream = new MemoryStream(input);
        return await _node.Secrets.WriteAsync(Destination, "root", "root", "0400", "salt", false, stream, CancellationToken.None);
    }
}
