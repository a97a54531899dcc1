using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>`create` and `update` request: the inputs to make real, with the prior state for updates.</summary>
public sealed record ApplyParams(
    string Id,
    string Type,
    JsonElement Inputs,
    JsonElement? PriorInputs = null,
    JsonElement? PriorOutputs = null);
