using Fleet.Processes;
using Fleet.Testbed;

namespace Fleet.Engine.Tests;

/// <summary>
/// The scripts `fleet completion SHELL` prints, loaded into the real shell and asked to complete a
/// line: bash through its completion function with COMP_WORDS/COMP_CWORD, fish through
/// `complete -C`, zsh through a pseudo-terminal (zpty) where Tab runs zsh's completion system and
/// the candidates it is given are captured. `fleet` on PATH is a wrapper that runs this build's
/// fleet.dll (a stand-in for the installed command). The fleet is the demo (nodes api, web, worker;
/// tags backend, demo, frontend), found as ./fleet.nix in the working directory.
/// </summary>
public sealed class CompletionTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("fleet-completion-").FullName;

    public CompletionTests()
    {
        File.WriteAllText(FleetCommand, $"#!/bin/sh\nexec dotnet \"{Path.Combine(AppContext.BaseDirectory, "fleet.dll")}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(FleetCommand, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    /// <summary>The wrapper; the shells find it as `fleet` on their PATH.</summary>
    private string FleetCommand => Path.Combine(_bin, "fleet");

    public static TheoryData<string, string, string> Lines => new()
    {
        { "bash", "fleet ap", "apply apply-local" },
        { "bash", "fleet up", "upload-keys upload-secrets" },
        { "bash", "fleet apply --go", "--goal" },
        { "bash", "fleet apply --goal ", "boot build dry-activate keys push switch test" },
        { "bash", "fleet apply b", "boot build" },
        { "bash", "fleet apply --on ", "api web worker @backend @demo @frontend" },
        { "bash", "fleet apply --on web,@f", "web,@frontend" },
        { "bash", "fleet completion z", "zsh" },
        { "fish", "fleet ap", "apply apply-local" },
        { "fish", "fleet apply --goal ", "boot build dry-activate keys push switch test" },
        { "fish", "fleet apply b", "boot build" },
        { "fish", "fleet apply --on ", "@backend @demo @frontend api web worker" },
        { "fish", "fleet apply --on web,@f", "web,@frontend" },
        { "fish", "fleet -f fleet.nix nodes --on w", "web worker" },
        { "zsh", "fleet ap", "apply apply-local" },
        { "zsh", "fleet apply --goal ", "boot build dry-activate keys push switch test" },
        { "zsh", "fleet apply b", "boot build" },
        { "zsh", "fleet apply --on ", "api web worker @backend @demo @frontend" },
        // zsh moves the typed terms before the last comma out of the word (compset -P): @frontend completes "web,@f".
        { "zsh", "fleet apply --on web,@f", "@frontend" },
    };

    [Theory(Timeout = TestTimeouts.Local)]
    [MemberData(nameof(Lines))]
    public async Task The_shells_completion_offers_these_candidates_for_the_line(string shell, string line, string expected)
    {
        var script = Path.Combine(_bin, "completion." + shell);
        var printed = await RunAsync(ProcessSpec.Create(FleetCommand, "completion", shell));
        Assert.Equal(0, printed.ExitCode);
        await File.WriteAllTextAsync(script, printed.StandardOutput);

        var result = await RunAsync(shell switch
        {
            "bash" => ProcessSpec.Create("bash", "-c", """
                source "$1"; read -ra COMP_WORDS <<< "$2"; [[ $2 == *" " ]] && COMP_WORDS+=("")
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _fleet; echo "${COMPREPLY[*]}"
                """, "bash", script, line),
            "fish" => ProcessSpec.Create("fish", "-c", """source $argv[1]; echo (complete -C $argv[2])""", script, line),
            _ => ProcessSpec.Create("zsh", "-f", "-c", ZshCapture, "zsh", script, line),
        });

        Assert.True(result.ExitCode == 0, $"{shell} exited {result.ExitCode}: {result.StandardError}");
        Assert.Equal(expected, result.StandardOutput.Trim());
    }

    [Theory(Timeout = TestTimeouts.Local)]
    [InlineData("bash", "complete -o default -F _fleet fleet")]
    [InlineData("zsh", "compdef _fleet fleet")]
    [InlineData("fish", "complete -c fleet -f -a '(__fleet_complete)'")]
    public async Task Each_script_registers_its_completion_for_fleet(string shell, string registration)
    {
        var printed = await RunAsync(ProcessSpec.Create(FleetCommand, "completion", shell));

        Assert.Equal(0, printed.ExitCode);
        Assert.Contains(registration, printed.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_unknown_shell_is_a_usage_error_naming_the_shells()
    {
        var printed = await RunAsync(ProcessSpec.Create(FleetCommand, "completion", "tcsh"));

        Assert.Equal(2, printed.ExitCode);
        Assert.Contains("bash", printed.StandardError, StringComparison.Ordinal);
        Assert.Contains("fish", printed.StandardError, StringComparison.Ordinal);
    }

    /// <summary>
    /// An interactive zsh in a pseudo-terminal with the completion system on and the script
    /// loaded; compadd is wrapped so the candidates zsh would offer are printed between HITS: and
    /// :END; the line is typed with a Tab and the output read up to :END.
    /// </summary>
    private const string ZshCapture = """
        zmodload zsh/zpty
        zpty -b z 'zsh -f -i'
        zpty -w z 'PS1=""; autoload -Uz compinit; compinit -u -D'
        zpty -w z "source ${(q)1}"
        zpty -w z 'compadd() { local -a hits; builtin compadd -O hits "$@"; print -rn -- $'"'"'\n'"'"'"HITS:${(j: :)hits}:END"$'"'"'\n'"'"' > /dev/tty; }'
        zpty -w z 'echo READY'
        zpty -r z out '*READY*'
        zpty -r z out '*READY*'
        zpty -n -w z "$2"$'\t'
        zpty -r z out '*:END*'
        print -r -- ${${out##*HITS:}%%:END*}
        zpty -d z
        """;

    private Task<ProcessResult> RunAsync(ProcessSpec spec) =>
        new ProcessRunner().RunAsync(
            spec.WithWorkingDirectory(RepositoryPaths.Example("demo"))
                .WithEnvironment("PATH", _bin + ":" + Environment.GetEnvironmentVariable("PATH")),
            CancellationToken.None);
}
