using System.Collections.Concurrent;
using System.Text;
using Fleet.Processes;

namespace Fleet.Secrets.Tests;

/// <summary>A secret's content goes to its file on the node and nowhere else fleet can put it.</summary>
[Trait("Category", "Integration")]
public sealed class LeakTests
{
    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task Fleet_eval_prints_a_secret_text_as_sensitive_unless_asked_to_show_it()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var token = SecretsFleet.Token("eval");
        fleet.Write($$"""deployment.secrets.token.text = "{{token}}";""");

        var eval = await fleet.FleetAsync("eval");
        var shown = await fleet.FleetAsync("eval", "--show-sensitive");

        Assert.True(eval.ExitCode == 0, eval.StandardError);
        Assert.DoesNotContain(token, eval.StandardOutput + eval.StandardError, StringComparison.Ordinal);
        Assert.Contains("\"text\": \"(sensitive)\"", eval.StandardOutput, StringComparison.Ordinal);
        Assert.True(shown.ExitCode == 0, shown.StandardError);
        Assert.Contains(token, shown.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Testbed)]
    public async Task No_secret_is_in_a_store_the_state_the_output_the_json_events_or_any_argv_during_upload()
    {
        await using var fleet = await SecretsFleet.UpAsync();
        var node = fleet.Testbed.Node("a");
        var source = Path.Combine(fleet.Dir, "big-secret");
        var commandSource = Path.Combine(fleet.Dir, "command-secret");
        var running = Path.Combine(fleet.Dir, "command-running");
        var release = Path.Combine(fleet.Dir, "command-release");
        // The slow secret's command holds the run (its upload in the first, its plan in the
        // second) until the test releases it, once the watchers have looked often enough.
        string Body(string text) => $$"""
            deployment.secrets.text.text = "{{text}}";
            deployment.secrets.big = { file = ./big-secret; upload = "after-activation"; };
            deployment.secrets.slow.command = [ "sh" "-c" "touch {{running}}; while [ ! -e {{release}} ]; do sleep 0.05; done; cat {{commandSource}}" ];
            """;

        var first = await WriteSourcesAsync();
        await using (var watch = await ArgvWatch.StartAsync(fleet, first))
        {
            fleet.Write(Body(first[0]));
            var plain = await HeldAsync(watch, "apply", "--plain", "-v");
            Assert.True(plain.ExitCode == 0, plain.StandardOutput + plain.StandardError);
            var second = await WriteSourcesAsync();
            fleet.Write(Body(second[0]));
            watch.Add(second);
            var json = await HeldAsync(watch, "apply", "--json");
            Assert.True(json.ExitCode == 0, json.StandardOutput + json.StandardError);
            Assert.Contains("\"event\":\"resource-finished\"", json.StandardOutput, StringComparison.Ordinal);

            var hits = await watch.StopAsync();
            Assert.Empty(hits);
            foreach (var token in first.Concat(second))
            {
                Assert.DoesNotContain(token, plain.StandardOutput + plain.StandardError + json.StandardOutput + json.StandardError, StringComparison.Ordinal);
                Assert.Equal("", await SecretsFleet.GrepAsync(
                    token, "/nix/store", Path.Combine(node.Dir, "nix", "store"), Path.Combine(fleet.Dir, ".fleet"), Path.Combine(node.Dir, "var-log")));
            }
        }

        Assert.Equal($"root root 400 {(await File.ReadAllTextAsync(commandSource)).Trim()}", await fleet.FileAsync("/run/keys/slow"));

        // Runs fleet, waits until the slow secret's command runs, then for 50 host and 10 node
        // snapshots taken while it runs, then releases it and returns the run's result.
        async Task<ProcessResult> HeldAsync(ArgvWatch watch, params string[] args)
        {
            File.Delete(running);
            File.Delete(release);
            var run = fleet.FleetAsync(args);
            while (!File.Exists(running))
            {
                if (run.IsCompleted)
                {
                    var early = await run;
                    Assert.Fail($"fleet ended before the slow secret's command ran:\n{early.StandardOutput}{early.StandardError}");
                }

                await Task.Delay(50);
            }

            await watch.SnapshotsAsync(host: 50, node: 10);
            await File.WriteAllTextAsync(release, "");
            return await run;
        }

        async Task<string[]> WriteSourcesAsync()
        {
            string[] tokens = [SecretsFleet.Token("text"), SecretsFleet.Token("big"), SecretsFleet.Token("slow")];
            // 8 MB around the token stretches the upload.
            var padding = new string('x', 4 << 20);
            await File.WriteAllTextAsync(source, padding + tokens[1] + padding);
            await File.WriteAllTextAsync(commandSource, tokens[2]);
            return tokens;
        }
    }

    /// <summary>
    /// Snapshots of every process's argv while fleet runs: /proc/*/cmdline on the host (which sees
    /// the node's processes too) in a tight loop, and `ps -eo args` inside the node.
    /// </summary>
    private sealed class ArgvWatch : IAsyncDisposable
    {
        private readonly ConcurrentBag<string> _tokens;
        private readonly ConcurrentBag<string> _hits = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly SecretsFleet _fleet;
        private Task? _host;
        private Task<ProcessResult>? _node;
        private int _hostSnapshots;

        private ArgvWatch(SecretsFleet fleet, IEnumerable<string> tokens)
        {
            _fleet = fleet;
            _tokens = [.. tokens];
        }

        public int HostSnapshots => Volatile.Read(ref _hostSnapshots);

        public static async Task<ArgvWatch> StartAsync(SecretsFleet fleet, IEnumerable<string> tokens)
        {
            var watch = new ArgvWatch(fleet, tokens);
            await watch.WritePatternsAsync();
            watch._host = Task.Run(watch.WatchHost);
            watch._node = fleet.Testbed.ExecAsync("a", ["sh", "-c", """
                n=0; : > /tmp/ps-hits
                while [ ! -e /tmp/ps-stop ]; do ps -eo args | grep -F -f /tmp/ps-patterns >> /tmp/ps-hits; n=$((n+1)); echo "$n" > /tmp/ps-count.new; mv /tmp/ps-count.new /tmp/ps-count; done
                """], CancellationToken.None);
            return watch;
        }

        /// <summary>Waits until both watchers have taken at least this many more snapshots (ones begun after this call).</summary>
        public async Task SnapshotsAsync(int host, int node)
        {
            var hostFrom = HostSnapshots;
            var nodeFrom = NodeSnapshots();
            while (HostSnapshots <= hostFrom + host || NodeSnapshots() <= nodeFrom + node)
            {
                if (_host!.IsCompleted)
                {
                    await _host;
                    Assert.Fail("the host's argv watcher stopped early");
                }

                if (_node!.IsCompleted)
                {
                    Assert.Fail("the node's argv watcher stopped early: " + (await _node).StandardError);
                }

                await Task.Delay(20);
            }
        }

        public void Add(IEnumerable<string> tokens)
        {
            foreach (var token in tokens)
            {
                _tokens.Add(token);
            }

            WritePatternsAsync().GetAwaiter().GetResult();
        }

        public async Task<IReadOnlyList<string>> StopAsync()
        {
            await _stop.CancelAsync();
            await _host!;
            await _fleet.OnNodeAsync("touch /tmp/ps-stop");
            var node = await _node!;
            Assert.True(node.Succeeded, "the node's argv watcher failed: " + node.StandardError);
            foreach (var line in (await _fleet.OnNodeAsync("cat /tmp/ps-hits")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                _hits.Add("node: " + line);
            }

            return [.. _hits];
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _stop.Dispose();
        }

        // The node's count so far, renamed into place after each of its snapshots (none before the first).
        private int NodeSnapshots() =>
            int.TryParse(ReadNodeCount(), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;

        private string ReadNodeCount()
        {
            try
            {
                return File.ReadAllText(Path.Combine(_fleet.Testbed.Node("a").Dir, "tmp", "ps-count")).Trim();
            }
            catch (FileNotFoundException)
            {
                return "";
            }
        }

        // Written through the node's /tmp as the host sees it: an argv carrying the tokens would be a hit.
        private Task WritePatternsAsync() =>
            File.WriteAllLinesAsync(Path.Combine(_fleet.Testbed.Node("a").Dir, "tmp", "ps-patterns"), _tokens);

        private void WatchHost()
        {
            while (!_stop.IsCancellationRequested)
            {
                foreach (var dir in Directory.EnumerateDirectories("/proc"))
                {
                    string argv;
                    try
                    {
                        argv = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "cmdline"))).Replace('\0', ' ');
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        continue;
                    }

                    if (_tokens.Any(t => argv.Contains(t, StringComparison.Ordinal)))
                    {
                        _hits.Add($"host: {argv}");
                    }
                }

                Interlocked.Increment(ref _hostSnapshots);
            }
        }
    }
}
