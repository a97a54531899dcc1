using System.Text.Json;
using Fleet.Engine.Graph;
using Fleet.Engine.Providers;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.Tests;

/// <summary>What every provider must do, run against each real provider by a subclass.</summary>
public abstract class ProviderConformanceTests : ProviderHandshakeTests
{
    protected abstract string Type { get; }

    protected abstract JsonElement SampleInputs();

    protected abstract JsonElement ChangedInputs(JsonElement inputs);

    private Task<ProviderClient> StartAsync() => ProviderClient.StartAsync(Declaration, new ProcessRunner(), CancellationToken.None);

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Initialize_declares_the_type_with_input_and_output_schemas()
    {
        await using var client = await StartAsync();

        var schema = client.Schema(Type);

        Assert.NotNull(schema);
        Assert.Equal(JsonValueKind.Object, schema.Inputs.ValueKind);
        Assert.Equal(JsonValueKind.Object, schema.Outputs.ValueKind);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Validate_accepts_the_sample_inputs()
    {
        await using var client = await StartAsync();

        var result = await client.ValidateAsync(new ValidateParams("r", Type, SampleInputs()), CancellationToken.None);

        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Diagnostic.Error);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Plan_without_prior_state_is_create()
    {
        await using var client = await StartAsync();

        var plan = await client.PlanAsync(new PlanParams("r", Type, null, null, SampleInputs()), CancellationToken.None);

        Assert.Equal(PlanAction.Create, plan.Action);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Plan_of_unchanged_inputs_is_noop()
    {
        await using var client = await StartAsync();
        var inputs = SampleInputs();

        var plan = await client.PlanAsync(new PlanParams("r", Type, inputs, TestProviders.Json("{}"), inputs), CancellationToken.None);

        Assert.Equal(PlanAction.Noop, plan.Action);
        Assert.Empty(plan.ChangedFields);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Read_after_create_reports_the_resource_and_its_outputs()
    {
        await using var client = await StartAsync();
        var inputs = SampleInputs();
        var created = await client.CreateAsync(new ApplyParams("r", Type, inputs), CancellationToken.None);

        var read = await client.ReadAsync(new ReadParams("r", Type, inputs, created.Outputs), CancellationToken.None);

        Assert.True(read.Exists);
        Assert.True(JsonElement.DeepEquals(created.Outputs, read.Outputs!.Value));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Read_after_update_reports_the_updated_inputs()
    {
        await using var client = await StartAsync();
        var inputs = SampleInputs();
        var created = await client.CreateAsync(new ApplyParams("r", Type, inputs), CancellationToken.None);
        var changed = ChangedInputs(inputs);

        var updated = await client.UpdateAsync(new ApplyParams("r", Type, changed, inputs, created.Outputs), CancellationToken.None);
        var read = await client.ReadAsync(new ReadParams("r", Type, changed, updated.Outputs), CancellationToken.None);

        Assert.Empty(ResourceHandler.ChangedFields(changed, Pick(read.Inputs!.Value, changed)));
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task Read_after_delete_reports_that_it_is_gone()
    {
        await using var client = await StartAsync();
        var inputs = SampleInputs();
        var created = await client.CreateAsync(new ApplyParams("r", Type, inputs), CancellationToken.None);

        await client.DeleteAsync(new DeleteParams("r", Type, inputs, created.Outputs), CancellationToken.None);
        var read = await client.ReadAsync(new ReadParams("r", Type, inputs, created.Outputs), CancellationToken.None);

        Assert.False(read.Exists);
    }

    [Fact(Timeout = TestTimeouts.Local)]
    public async Task A_resource_failure_carries_the_resource_id()
    {
        await using var client = await StartAsync();

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.CreateAsync(new ApplyParams("broken", Type, TestProviders.Json("{}")), CancellationToken.None));

        Assert.Equal("broken", error.ResourceId);
        Assert.Contains("`broken`", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Only the fields the test set, so defaults a provider fills in do not count as a difference.</summary>
    private static JsonElement Pick(JsonElement real, JsonElement wanted) =>
        TestProviders.Json("{" + string.Join(",", wanted.EnumerateObject()
            .Where(p => real.TryGetProperty(p.Name, out _))
            .Select(p => JsonSerializer.Serialize(p.Name, ProtocolJsonContext.Default.String) + ":" + real.GetProperty(p.Name).GetRawText())) + "}");
}
