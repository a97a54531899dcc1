using System.Text.Json;

namespace Fleet.Protocol;

/// <summary>
/// `read` answer: whether the resource still exists and, if so, its inputs as they really are
/// (so drift shows as a diff against the desired inputs) and its current outputs.
/// </summary>
public sealed record ReadResult(bool Exists, JsonElement? Inputs = null, JsonElement? Outputs = null);
