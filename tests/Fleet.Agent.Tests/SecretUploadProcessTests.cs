using System.Diagnostics;
using System.Text;

namespace Fleet.Agent.Tests;

/// <summary>
/// The built fleet-agent executable reading write-secret's upload through a pipe, like sudo and
/// sshd hand it over, while the process writing into that pipe is killed (the ssh client's
/// kill -9 or Ctrl-C in the issue). Runs on the host as root, with --dest in a scratch directory.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretUploadProcessTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("fleet-agent-upload-kill-").FullName;

    private string Destination => Path.Combine(_scratch, "keys", "db");

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_complete_upload_through_a_pipe_replaces_the_old_secret()
    {
        await UploadAsync("old-secret"u8.ToArray());

        var (code, stdout, _) = await UploadAsync("new-secret"u8.ToArray());

        Assert.Equal(0, code);
        Assert.Contains("\"exists\":true", stdout, StringComparison.Ordinal);
        Assert.Equal("new-secret", await File.ReadAllTextAsync(Destination));
        Assert.Equal([Destination], Directory.GetFiles(Path.GetDirectoryName(Destination)!));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Killing_the_writer_mid_upload_keeps_the_old_secret_leaves_no_temporary_file_and_fails()
    {
        await UploadAsync("old-secret"u8.ToArray());
        var marker = "NEW-SECRET-CONTENT-"u8.ToArray();
        var content = Enumerable.Repeat(marker, 4 * 1024 * 1024 / marker.Length).SelectMany(b => b).ToArray();
        var frame = Path.Combine(_scratch, "frame");
        await File.WriteAllBytesAsync(frame, SecretUploadTests.Frame(content));
        var writerPid = Path.Combine(_scratch, "writer.pid");

        // The writer sends the header and the first MiB, then holds the pipe open until killed.
        using var pipeline = Start(
            "sh", "-c", """sh -c 'echo $$ > "$1"; head -c "$2" "$3"; exec sleep infinity' writer "$1" "$2" "$3" | "$4" "$5" write-secret --dest "$6" """,
            "pipeline", writerPid, (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), frame, "dotnet", AgentDll, Destination);
        var stdout = pipeline.StandardOutput.ReadToEndAsync();
        var stderr = pipeline.StandardError.ReadToEndAsync();
        await WaitUntilAsync(() => File.Exists(writerPid) && File.ReadAllText(writerPid).EndsWith('\n'));
        await WaitUntilAsync(() => Directory.GetFiles(Path.GetDirectoryName(Destination)!, ".db.*").Any(f => new FileInfo(f).Length > 0));

        using (var writer = Process.GetProcessById(int.Parse(File.ReadAllText(writerPid).Trim(), System.Globalization.CultureInfo.InvariantCulture)))
        {
            writer.Kill();
        }

        await pipeline.WaitForExitAsync();
        var message = await stderr;
        Assert.NotEqual(0, pipeline.ExitCode);
        Assert.Contains("ended after", message, StringComparison.Ordinal);
        Assert.DoesNotContain("NEW-SECRET", message + await stdout, StringComparison.Ordinal);
        Assert.Equal("old-secret", await File.ReadAllTextAsync(Destination));
        Assert.Equal([Destination], Directory.GetFiles(Path.GetDirectoryName(Destination)!));
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    /// <summary>fleet-agent as built next to the tests (the project reference copies it here).</summary>
    private static string AgentDll => Path.Combine(AppContext.BaseDirectory, "fleet-agent.dll");

    private static Process Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(20);
        }
    }

    private async Task<(int Code, string Stdout, string Stderr)> UploadAsync(byte[] content)
    {
        using var agent = Start("dotnet", AgentDll, "write-secret", "--dest", Destination);
        var stdout = agent.StandardOutput.ReadToEndAsync();
        var stderr = agent.StandardError.ReadToEndAsync();
        await agent.StandardInput.BaseStream.WriteAsync(SecretUploadTests.Frame(content));
        agent.StandardInput.Close();
        await agent.WaitForExitAsync();
        return (agent.ExitCode, await stdout, await stderr);
    }
}
