using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fleet.State;

/// <summary>
/// Keeps sensitive values out of the state: they are replaced by a keyed hash
/// (HMAC-SHA256 with a random key kept in <c>&lt;db&gt;.key</c>, mode 0600), so a plan can
/// tell whether a desired value changed without the state ever holding the value. The key
/// makes the hash useless for guessing short secrets from a copied database alone. The same
/// key, through keys derived from it for one purpose each, authenticates saved plans.
/// </summary>
public sealed class SensitiveValues
{
    /// <summary>The property of a masked value: <c>{"$sensitive": "hmac-sha256:..."}</c>.</summary>
    public const string MarkerProperty = "$sensitive";

    private const string Prefix = "hmac-sha256:";
    private const int KeyBytes = 32;
    private readonly byte[] _key;

    private SensitiveValues(byte[] key) => _key = key;

    /// <summary>Reads the key file, creating it (mode 0600) with a fresh random key if missing.</summary>
    public static async Task<SensitiveValues> OpenAsync(string keyPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        if (!File.Exists(keyPath))
        {
            await CreateKeyAsync(keyPath, cancellationToken).ConfigureAwait(false);
        }

        var text = (await File.ReadAllTextAsync(keyPath, cancellationToken).ConfigureAwait(false)).Trim();
        try
        {
            var key = Convert.FromHexString(text);
            if (key.Length < KeyBytes)
            {
                throw new FormatException("too short");
            }

            return new SensitiveValues(key);
        }
        catch (FormatException e)
        {
            throw new StateException($"the state key file {keyPath} is damaged ({e.Message}); without it, stored sensitive values cannot be compared", e);
        }
    }

    /// <summary>A key that lives in memory only, for an empty stand-in state nothing is kept in.</summary>
    public static SensitiveValues CreateEphemeral() => new(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>
    /// A public name of this key (16 hex digits, a keyed hash of a fixed label): tells one state's
    /// saved plans from another's without revealing anything about the key.
    /// </summary>
    public string KeyId => Convert.ToHexStringLower(DeriveKey("key-id"))[..16];

    /// <summary>HMAC-SHA256 of <paramref name="content"/> under the key derived for <paramref name="purpose"/>.</summary>
    public byte[] Authenticate(string purpose, ReadOnlySpan<byte> content)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        return HMACSHA256.HashData(DeriveKey(purpose), content);
    }

    /// <summary>True when <paramref name="mac"/> is <see cref="Authenticate"/> of the content (compared in fixed time).</summary>
    public bool IsAuthentic(string purpose, ReadOnlySpan<byte> content, ReadOnlySpan<byte> mac) =>
        CryptographicOperations.FixedTimeEquals(Authenticate(purpose, content), mac);

    /// <summary>"hmac-sha256:&lt;hex&gt;" of a value given as canonical JSON.</summary>
    public string Hash(string valueAsCanonicalJson)
    {
        ArgumentNullException.ThrowIfNull(valueAsCanonicalJson);
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(valueAsCanonicalJson)));
    }

    /// <summary>The hash of a JSON value, taken over its canonical spelling (sorted keys, no whitespace).</summary>
    public string HashValue(JsonElement value) => Hash(CanonicalJson.Serialize(value));

    /// <summary>
    /// A copy of the object <paramref name="obj"/> whose listed top-level fields are replaced by
    /// <c>{"$sensitive": "hmac-sha256:..."}</c>. Fields already masked are left as they are.
    /// </summary>
    public JsonElement Mask(JsonElement obj, IEnumerable<string> sensitiveTopLevelFields)
    {
        ArgumentNullException.ThrowIfNull(sensitiveTopLevelFields);
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"only JSON objects can be masked, not {obj.ValueKind}", nameof(obj));
        }

        var sensitive = sensitiveTopLevelFields.ToHashSet(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in obj.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                if (sensitive.Contains(property.Name) && !IsMasked(property.Value))
                {
                    writer.WriteStartObject();
                    writer.WriteString(MarkerProperty, HashValue(property.Value));
                    writer.WriteEndObject();
                }
                else
                {
                    property.Value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    /// <summary>True when <paramref name="stored"/> is a mask of exactly <paramref name="desired"/>.</summary>
    public bool Matches(JsonElement stored, JsonElement desired) =>
        TryGetMarker(stored, out var hash) && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(HashValue(desired)));

    /// <summary>True when the value is a mask: an object with the single property "$sensitive".</summary>
    public static bool IsMasked(JsonElement value) => TryGetMarker(value, out _);

    /// <summary>The hash marker of a masked value.</summary>
    public static bool TryGetMarker(JsonElement value, out string hash)
    {
        hash = "";
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty(MarkerProperty, out var marker)
            || marker.ValueKind != JsonValueKind.String
            || value.EnumerateObject().Count() != 1)
        {
            return false;
        }

        hash = marker.GetString()!;
        return hash.StartsWith(Prefix, StringComparison.Ordinal);
    }

    // One key per purpose, so a MAC made for one use never passes for another's.
    private byte[] DeriveKey(string purpose) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("fleet/" + purpose));

    private static async Task CreateKeyAsync(string keyPath, CancellationToken cancellationToken)
    {
        // Write a temporary file with mode 0600 from the start, then move it into place without
        // overwriting: two processes opening a new state at once agree on one key.
        var temporary = $"{keyPath}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using (var stream = new FileStream(temporary, options))
            {
                var hex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyBytes)) + "\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(hex), cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temporary, keyPath, overwrite: false);
            }
            catch (IOException) when (File.Exists(keyPath))
            {
                // Another process created it first; use theirs.
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
