using System.Collections.Immutable;
using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>
/// One resource type: JSON Schemas of its inputs and outputs, and which top-level fields are
/// sensitive (masked in logs, plans and state dumps).
/// </summary>
public sealed record ResourceTypeSchema(
    string Type,
    JsonElement Inputs,
    JsonElement Outputs,
    ImmutableArray<string> SensitiveInputs,
    ImmutableArray<string> SensitiveOutputs);
