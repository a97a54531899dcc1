using System.Diagnostics;
using System.Security.Cryptography;
using Fleet.Processes;

namespace Fleet.Secrets.Tests;

/// <summary>
/// `fleet apply` uploading a 64 MiB secret over a node's old version, interrupted through the
/// real path: the node's fleet-agent is held (SIGSTOP) as soon as its write-secret starts, so the
/// upload is in flight; then the ssh client carrying it, or fleet itself, is killed with SIGKILL.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InterruptedUploadTests
{
    private const string Body = """deployment.secrets.db = { file = ./db-secret; };""";

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Killing_the_ssh_client_mid_upload_keeps_the_old_secret_fails_the_apply_and_a_rerun_converges()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var (old, digest) = await FirstUploadAsync(fleet);

        var apply = new ProcessRunner().RunAsync(fleet.FleetCommand("apply", "--plain"), CancellationToken.None);
        var agent = await HoldAgentAsync(fleet);
        var ssh = UploadingSsh();
        Signal(ssh, "KILL");
        await fleet.OnNodeAsync($"kill -CONT {agent}");
        var interrupted = await apply;

        Assert.True(interrupted.ExitCode == 1, interrupted.StandardOutput + interrupted.StandardError);
        await AssertOldSecretAsync(fleet, old, digest);
        await AssertConvergesAsync(fleet);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Killing_fleet_mid_upload_keeps_the_old_secret_and_the_next_apply_converges()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var (old, digest) = await FirstUploadAsync(fleet);

        using var process = new ProcessRunner().Start(fleet.FleetCommand("apply", "--plain"));
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        var agent = await HoldAgentAsync(fleet);
        var ssh = UploadingSsh();
        Signal(process.Id, "KILL");
        await process.WaitForExitAsync();
        // The provider sees fleet's end and stops its calls: the ssh carrying the upload goes too.
        while (Directory.Exists($"/proc/{ssh}") && !IsZombie(ssh))
        {
            await Task.Delay(50);
        }

        await fleet.OnNodeAsync($"kill -CONT {agent}");
        await output;

        Assert.Equal(137, process.ExitCode);
        await AssertOldSecretAsync(fleet, old, digest);
        await AssertConvergesAsync(fleet);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task A_link_cut_mid_upload_says_the_connection_to_the_node_was_lost_and_keeps_the_old_secret()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var (old, digest) = await FirstUploadAsync(fleet);

        var apply = new ProcessRunner().RunAsync(fleet.FleetCommand("apply", "--plain"), CancellationToken.None);
        var agent = await HoldAgentAsync(fleet);
        await TestbedAsync(fleet, "cut");
        var interrupted = await apply;
        await TestbedAsync(fleet, "mend");
        await fleet.OnNodeAsync($"kill -CONT {agent}");

        var said = interrupted.StandardOutput + interrupted.StandardError;
        Assert.True(interrupted.ExitCode == 1, said);
        Assert.Contains("the connection to node a (root@a) was lost during the upload of /run/keys/db", said, StringComparison.Ordinal);
        await AssertOldSecretAsync(fleet, old, digest);
        await AssertConvergesAsync(fleet);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Ctrl_C_once_mid_upload_lets_the_upload_finish_records_it_and_exits_130()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        _ = await FirstUploadAsync(fleet);

        await using var terminal = Fleet.Testbed.TerminalSession.Start(fleet.FleetCommand("apply", "--plain"));
        var agent = await HoldAgentAsync(fleet);
        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        await fleet.OnNodeAsync($"kill -CONT {agent}");
        var exit = await terminal.WaitForExitAsync();

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        var source = Path.Combine(fleet.Dir, "db-secret");
        var uploaded = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(source)));
        Assert.Equal(uploaded, await NodeSha256Async(fleet));
        Assert.Equal("db", (await fleet.OnNodeAsync("ls -A /run/keys")).Trim());
        var again = await fleet.FleetAsync("plan");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        Assert.Contains("No changes", again.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Ctrl_C_twice_mid_upload_cancels_it_keeps_the_old_secret_and_exits_130()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var (old, digest) = await FirstUploadAsync(fleet);

        await using var terminal = Fleet.Testbed.TerminalSession.Start(fleet.FleetCommand("apply", "--plain"));
        var agent = await HoldAgentAsync(fleet);
        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted: starting nothing new");
        await terminal.InterruptAsync();
        await terminal.WaitForLineAsync("interrupted again: cancelling running steps");
        var exit = await terminal.WaitForExitAsync();
        await fleet.OnNodeAsync($"kill -CONT {agent}");

        Assert.True(exit == 130, $"exit {exit}:\n{terminal.Output}");
        await AssertOldSecretAsync(fleet, old, digest);
        await AssertConvergesAsync(fleet);
    }

    private static async Task TestbedAsync(SecretsFleet fleet, string verb) =>
        await new ProcessRunner().RunCheckedAsync(ProcessSpec.Create(Fleet.Testbed.RepositoryPaths.TestbedScript, verb, fleet.Testbed.Name, "a"), CancellationToken.None);

    /// <summary>Uploads the old version, then writes a new one to the fleet's source file.</summary>
    private static async Task<(string Sha256, string Digest)> FirstUploadAsync(SecretsFleet fleet)
    {
        var source = Path.Combine(fleet.Dir, "db-secret");
        await File.WriteAllBytesAsync(source, RandomNumberGenerator.GetBytes(64 * 1024 * 1024));
        await fleet.ApplyAsync(Body);
        var old = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(source)));
        var digest = (await fleet.OutputsAsync("node.a.secret.db")).GetProperty("digest").GetString()!;
        Assert.Equal(old, await NodeSha256Async(fleet));
        await File.WriteAllBytesAsync(source, RandomNumberGenerator.GetBytes(64 * 1024 * 1024));
        return (old, digest);
    }

    /// <summary>Stops the node's write-secret the moment it starts (a busy loop inside the node) and returns its pid there.</summary>
    private static async Task<string> HoldAgentAsync(SecretsFleet fleet) =>
        (await fleet.OnNodeAsync("while ! p=$(pgrep -f 'write-secre[t] --dest /run/keys/db'); do :; done; kill -STOP $p; echo $p")).Trim();

    /// <summary>The host's ssh client carrying the upload, found by its argv.</summary>
    private static int UploadingSsh()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (argv[0] == "ssh" && argv.Any(a => a.Contains("write-secret", StringComparison.Ordinal)))
                {
                    return int.Parse(Path.GetFileName(dir), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile
            }
        }

        throw new InvalidOperationException("no ssh client carries a write-secret");
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Trim().StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static async Task<string> NodeSha256Async(SecretsFleet fleet) =>
        (await fleet.OnNodeAsync("sha256sum /run/keys/db")).Split(' ')[0];

    /// <summary>Once the node's agent has exited: the old file byte for byte, no temporary file, state still the old digest.</summary>
    private static async Task AssertOldSecretAsync(SecretsFleet fleet, string old, string digest)
    {
        while ((await fleet.Testbed.ExecAsync("a", ["pgrep", "-f", "write-secret --dest"], CancellationToken.None)).Succeeded)
        {
            await Task.Delay(100);
        }

        Assert.Equal(old, await NodeSha256Async(fleet));
        Assert.Equal("db", (await fleet.OnNodeAsync("ls -A /run/keys")).Trim());
        Assert.Equal(digest, (await fleet.OutputsAsync("node.a.secret.db")).GetProperty("digest").GetString());
    }

    private static async Task AssertConvergesAsync(SecretsFleet fleet)
    {
        var again = await fleet.FleetAsync("apply", "--plain");
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        var source = Path.Combine(fleet.Dir, "db-secret");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(source))), await NodeSha256Async(fleet));
    }
}
