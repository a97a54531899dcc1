using Fleet.Providers.NixOS;

namespace Fleet.NixOS.Tests;

/// <summary>nix's `--log-format internal-json` read into log lines and progress (lines as nix 2.8 writes them).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NixActivityLogTests
{
    private const string Drv = "/nix/store/9vaq8xz52nbfmbi7vz1700ajaip09pw4-hello-2.12.drv";

    private static readonly string[] s_build =
    [
        """@nix {"action":"start","id":1,"level":6,"text":"querying info about missing paths","type":0}""",
        """@nix {"action":"msg","level":3,"msg":"this derivation will be built:"}""",
        """@nix {"action":"start","id":2,"level":0,"text":"","type":104}""",
        """@nix {"action":"result","fields":[0,1,0,0],"id":2,"type":105}""",
        """@nix {"action":"start","fields":["/nix/store/9vaq8xz52nbfmbi7vz1700ajaip09pw4-hello-2.12.drv","",1,1],"id":3,"level":3,"text":"building '/nix/store/9vaq8xz52nbfmbi7vz1700ajaip09pw4-hello-2.12.drv'","type":105}""",
        """@nix {"action":"result","fields":["hello from the builder"],"id":3,"type":101}""",
        """@nix {"action":"result","fields":[1,1,0,0],"id":2,"type":105}""",
        """@nix {"action":"stop","id":3}""",
        """@nix {"action":"stop","id":2}""",
    ];

    private static readonly string[] s_copy =
    [
        """@nix {"action":"start","id":10,"level":3,"text":"copying 2 paths","type":103}""",
        """@nix {"action":"result","fields":[100,3000],"id":10,"type":106}""",
        """@nix {"action":"start","fields":["/nix/store/yb0spi01lvm248wxjzi5zmy3pqzv2hz6-etc-index.html","local","ssh://root@a"],"id":11,"level":3,"text":"copying path '/nix/store/yb0spi01lvm248wxjzi5zmy3pqzv2hz6-etc-index.html' to 'ssh://root@a'","type":100}""",
        """@nix {"action":"result","fields":[500,1000],"id":11,"type":105}""",
        """@nix {"action":"result","fields":[1000,1000],"id":11,"type":105}""",
        """@nix {"action":"stop","id":11}""",
        """@nix {"action":"start","fields":["/nix/store/ik1702qsgazsxddqpyidkfza8s5xaidr-nixos-system-a","local","ssh://root@a"],"id":12,"level":3,"text":"copying path '/nix/store/ik1702qsgazsxddqpyidkfza8s5xaidr-nixos-system-a' to 'ssh://root@a'","type":100}""",
        """@nix {"action":"result","fields":[1500,2000],"id":12,"type":105}""",
    ];

    private static List<(string? Text, NixProgress? Progress)> ReadAll(NixActivityLog log, IEnumerable<string> lines) => [.. lines.Select(log.Read)];

    [Fact]
    public void A_build_reports_which_derivation_builds_and_how_many_of_how_many_are_built()
    {
        var read = ReadAll(new NixActivityLog(), s_build);

        var progress = read.Select(r => r.Progress).OfType<NixProgress>().ToList();
        Assert.Equal(new NixProgress(null, 0, 1, "derivations"), progress[0]);
        Assert.Contains(new NixProgress("hello-2.12", 0, 1, "derivations"), progress);
        Assert.Equal(new NixProgress(null, 1, 1, "derivations"), progress[^1]);
    }

    [Fact]
    public void Messages_builds_starting_and_the_builder_s_output_are_log_lines_and_the_rest_is_not()
    {
        var texts = ReadAll(new NixActivityLog(), s_build).Select(r => r.Text).OfType<string>();

        Assert.Equal(["this derivation will be built:", $"building '{Drv}'", "hello from the builder"], texts);
    }

    [Fact]
    public void A_copy_reports_bytes_copied_of_the_bytes_expected_and_the_path_being_copied()
    {
        var read = ReadAll(new NixActivityLog(), s_copy);

        var progress = read.Select(r => r.Progress).OfType<NixProgress>().ToList();
        Assert.Contains(new NixProgress("etc-index.html", 500, 3000, "bytes"), progress);
        Assert.Equal(new NixProgress("nixos-system-a", 2500, 3000, "bytes"), progress[^1]);
    }

    [Fact]
    public void A_copy_over_the_legacy_ssh_store_reports_paths_copied_of_the_paths_announced()
    {
        string[] lines =
        [
            """@nix {"action":"start","id":20,"level":3,"text":"copying 2 paths","type":103}""",
            """@nix {"action":"start","fields":["/nix/store/yb0spi01lvm248wxjzi5zmy3pqzv2hz6-etc-index.html","local","ssh://root@a"],"id":21,"level":3,"text":"copying path '/nix/store/yb0spi01lvm248wxjzi5zmy3pqzv2hz6-etc-index.html' to 'ssh://root@a'","type":100}""",
            """@nix {"action":"stop","id":21}""",
        ];

        var progress = ReadAll(new NixActivityLog(), lines).Select(r => r.Progress).OfType<NixProgress>().ToList();

        Assert.Equal(
            [new NixProgress(null, 0, 2, "paths"), new NixProgress("etc-index.html", 0, 2, "paths"), new NixProgress(null, 1, 2, "paths")],
            progress);
    }

    [Fact]
    public void An_error_is_kept_without_its_colours_for_the_failure_s_line()
    {
        var log = new NixActivityLog();

        var (text, _) = log.Read("""@nix {"action":"msg","level":0,"msg":"\u001b[31;1merror:\u001b[0m cannot connect to '\u001b[35;1mroot@a\u001b[0m'","raw_msg":"cannot connect"}""");

        Assert.Equal("error: cannot connect to 'root@a'", text);
        Assert.Equal("cannot connect to 'root@a'", log.LastError);
    }

    [Fact]
    public void A_line_that_is_not_nix_s_json_is_a_log_line_as_it_is()
    {
        Assert.Equal(("ssh: connect to host a port 22: Connection refused", null), new NixActivityLog().Read("ssh: connect to host a port 22: Connection refused"));
    }
}
