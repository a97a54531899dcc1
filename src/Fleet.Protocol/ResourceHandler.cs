using System.Collections.Immutable;
using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>
/// One resource type of a provider. Only <see cref="CreateAsync"/> and <see cref="DeleteAsync"/>
/// must be written; plan compares top-level inputs (fields in <see cref="ReplaceOnChange"/>
/// force a replace), update re-creates in place, read reports the recorded state unchanged.
/// </summary>
public abstract class ResourceHandler
{
    /// <summary>A JSON text (a schema literal, say) as a detached element.</summary>
    protected static JsonElement ParseJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The type name, "provider.kind".</summary>
    public abstract string Type { get; }

    /// <summary>JSON Schema of the inputs.</summary>
    public abstract JsonElement InputSchema { get; }

    /// <summary>JSON Schema of the outputs.</summary>
    public abstract JsonElement OutputSchema { get; }

    public virtual ImmutableArray<string> SensitiveInputs => [];

    public virtual ImmutableArray<string> SensitiveOutputs => [];

    /// <summary>Top-level inputs whose change means delete-and-create rather than update.</summary>
    public virtual ImmutableArray<string> ReplaceOnChange => [];

    public ResourceTypeSchema Schema => new(Type, InputSchema, OutputSchema, SensitiveInputs, SensitiveOutputs);

    public virtual Task<ValidateResult> ValidateAsync(ValidateParams request, ProviderCall call, CancellationToken cancellationToken) =>
        Task.FromResult(new ValidateResult([]));

    public virtual Task<PlanResult> PlanAsync(PlanParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outputs = OutputNames();
        if (request.PriorInputs is not { ValueKind: JsonValueKind.Object } prior)
        {
            return Task.FromResult(new PlanResult(PlanAction.Create, FieldNames(request.DesiredInputs), outputs, "new resource"));
        }

        var changed = ChangedFields(prior, request.DesiredInputs);
        if (changed.IsEmpty)
        {
            return Task.FromResult(new PlanResult(PlanAction.Noop, [], [], null));
        }

        var replacing = changed.Where(ReplaceOnChange.Contains).ToImmutableArray();
        return Task.FromResult(replacing.IsEmpty
            ? new PlanResult(PlanAction.Update, changed, outputs, null)
            : new PlanResult(PlanAction.Replace, changed, outputs, $"{string.Join(", ", replacing)} cannot change in place"));
    }

    public abstract Task<ApplyResult> CreateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken);

    public virtual Task<ApplyResult> UpdateAsync(ApplyParams request, ProviderCall call, CancellationToken cancellationToken) =>
        CreateAsync(request, call, cancellationToken);

    public virtual Task<ReadResult> ReadAsync(ReadParams request, ProviderCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(new ReadResult(true, request.Inputs, request.Outputs));
    }

    public abstract Task DeleteAsync(DeleteParams request, ProviderCall call, CancellationToken cancellationToken);

    /// <summary>Top-level fields that differ between two input objects (added, removed or changed).</summary>
    public static ImmutableArray<string> ChangedFields(JsonElement prior, JsonElement desired)
    {
        var names = FieldNames(prior).Union(FieldNames(desired), StringComparer.Ordinal);
        return [.. names.Where(name =>
            {
                var had = prior.ValueKind == JsonValueKind.Object && prior.TryGetProperty(name, out var before);
                var has = desired.ValueKind == JsonValueKind.Object && desired.TryGetProperty(name, out var after);
                return had != has || (had && !JsonElement.DeepEquals(prior.GetProperty(name), desired.GetProperty(name)));
            })
            .Order(StringComparer.Ordinal)];
    }

    private ImmutableArray<string> OutputNames() =>
        OutputSchema.ValueKind == JsonValueKind.Object && OutputSchema.TryGetProperty("properties", out var properties)
            ? FieldNames(properties)
            : [];

    private static ImmutableArray<string> FieldNames(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object ? [.. value.EnumerateObject().Select(p => p.Name)] : [];
}
