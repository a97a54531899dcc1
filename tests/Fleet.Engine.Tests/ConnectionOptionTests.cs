using System.Text.Json;
using Fleet.Engine.Errors;
using Fleet.Nodes;

namespace Fleet.Engine.Tests;

/// <summary>
/// deployment.targetHost, targetUser, allowLocalDeployment and privilegeEscalationCommand with
/// Colmena's meanings, as the module emits them (on the nixpkgs stand-in) and as the node-access
/// layer (Fleet.Nodes' SshTarget) reads them.
/// </summary>
public sealed class ConnectionOptionTests
{
    [Fact(Timeout = TestTimeouts.Local)]
    public async Task TargetHost_defaults_to_the_node_name_and_targetUser_to_root()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("connection.nix"));
        var plain = graph.Resources["node.plain"];

        Assert.Equal("plain", plain.InputString("targetHost"));
        Assert.Equal("root", plain.InputString("targetUser"));
        Assert.False(plain.Inputs.GetProperty("allowLocalDeployment").GetBoolean());
        Assert.Equal(new[] { "sudo", "-H", "--" }, plain.InputStrings("privilegeEscalationCommand").ToArray());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_null_targetHost_stays_null_in_the_graph_and_in_the_nodes_secrets()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("connection.nix"));
        var laptop = graph.Resources["node.laptop"];

        Assert.Equal(JsonValueKind.Null, laptop.Inputs.GetProperty("targetHost").ValueKind);
        Assert.True(laptop.Inputs.GetProperty("allowLocalDeployment").GetBoolean());
        var secret = graph.Resources.Values.Single(r => r.Type == "secret.file" && r.Node == "laptop");
        Assert.False(secret.Inputs.TryGetProperty("targetHost", out _), "secret inputs drop null fields");
        Assert.Null(SshTarget.FromInputs(secret.Inputs, secret.Id).Host);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_null_targetUser_is_null_in_the_graph_and_leaves_the_user_to_ssh()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("connection.nix"));
        var anyone = graph.Resources["node.anyone"];

        Assert.Equal(JsonValueKind.Null, anyone.Inputs.GetProperty("targetUser").ValueKind);
        var target = SshTarget.FromInputs(anyone.Inputs, anyone.Id);
        Assert.Equal("anyone", target.Destination);
        Assert.True(target.NeedsEscalation, "ssh's default user is not known to be root");
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_privilegeEscalationCommand_other_than_sudo_is_used_as_given()
    {
        var graph = await FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("connection.nix"));
        var doas = graph.Resources["node.doas"];
        var target = SshTarget.FromInputs(doas.Inputs, doas.Id);

        Assert.Equal("ops@doas", target.Destination);
        Assert.Equal(new[] { "doas" }, target.Privileged().ToArray());
        Assert.Null(target.PrivilegedWithPassword());
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task An_empty_privilegeEscalationCommand_is_refused_naming_the_option()
    {
        var error = await Assert.ThrowsAsync<NixEvaluationException>(
            () => FleetEvaluation.GraphAsync(FleetEvaluation.Fixture("empty-escalation.nix")));

        Assert.Contains("deployment.privilegeEscalationCommand", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sudo_as_the_escalation_command_runs_without_a_prompt_keeping_its_own_arguments()
    {
        var target = Target("""{"targetHost":"web","targetUser":"deploy","privilegeEscalationCommand":["sudo","-H","--"]}""", "node.web");

        Assert.Equal(new[] { "sudo", "-n", "-H", "--" }, target.Privileged().ToArray());
        Assert.Equal(new[] { "sudo", "-k", "-S", "-p", "", "-H", "--" }, target.PrivilegedWithPassword()?.ToArray());
    }

    [Fact]
    public void Root_needs_no_escalation()
    {
        var target = Target("""{"targetHost":"web","targetUser":"root"}""", "node.web");

        Assert.False(target.NeedsEscalation);
        Assert.Empty(target.Privileged());
    }

    [Fact]
    public void A_node_without_targetHost_fails_with_a_message_naming_it_and_apply_local()
    {
        var target = Target("""{"targetHost":null,"targetUser":"root"}""", "node.laptop");

        var error = Assert.Throws<Fleet.Protocol.ResourceFailedException>(() => target.Destination);
        Assert.Equal("node laptop has no targetHost: it can only be deployed with fleet apply-local", error.Message);
    }

    private static SshTarget Target(string json, string id)
    {
        using var document = JsonDocument.Parse(json);
        return SshTarget.FromInputs(document.RootElement.Clone(), id);
    }
}
