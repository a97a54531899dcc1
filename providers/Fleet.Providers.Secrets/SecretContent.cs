using System.Security.Cryptography;
using System.Text;
using Fleet.Processes;
using Fleet.Protocol;

namespace Fleet.Providers.Secrets;

/// <summary>
/// Reads a secret's content on the deployer: the text input, the file (read now, never copied
/// into a store), or the command's standard output (argv through the process layer, nothing of
/// its output logged). The bytes stay in this process's memory.
/// </summary>
public sealed class SecretContent
{
    private readonly ProcessRunner _runner;

    public SecretContent(ProcessRunner runner)
    {
        _runner = runner;
    }

    public async Task<byte[]> ReadAsync(SecretInputs inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Text is { } text)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        if (inputs.File is { } file)
        {
            try
            {
                return await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ResourceFailedException($"cannot read the secret's file {file} on the deployer: {e.Message}");
            }
        }

        return await RunAsync(inputs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>sha256(salt + content), lowercase hex: what the agent reports for the file on the node.</summary>
    public static string Digest(string salt, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(salt);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(salt));
        sha.AppendData(content);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private async Task<byte[]> RunAsync(SecretInputs inputs, CancellationToken cancellationToken)
    {
        // Raw bytes of stdout (not lines): the content is exactly what the command printed.
        using var process = _runner.Start(ProcessSpec.Create(inputs.Command[0], inputs.Command.Skip(1)));
        process.StandardInput.Close();
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await copy.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await ProcessRunner.StopAsync(process, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            throw;
        }

        var stderr = await errors.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var last = ProcessResult.LastLine(stderr);
            throw new ResourceFailedException($"the secret's command `{inputs.Command[0]}` exited with code {process.ExitCode}: {last}");
        }

        return output.ToArray();
    }
}
