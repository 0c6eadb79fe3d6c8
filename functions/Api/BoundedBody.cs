using System.Buffers;
using System.IO.Pipelines;

namespace Shiming.Api;

/// <summary>
/// Reads a request body, or one part of a multipart body, of at most a given size. The bytes gather in the pipe's pooled
/// segments and are copied out once, at their own size: a buffer allocated for each request would be a large object
/// for a photo, and a burst of them turns into full collections of the heap, which stop every thread of the worker
/// (the drain's pacing too).
/// </summary>
public static class BoundedBody
{
    /// <summary>At most <paramref name="limit"/> bytes from <paramref name="reader"/>; null when it holds more. What was read is consumed; the reader is not completed.</summary>
    public static async Task<byte[]?> ReadAsync(PipeReader reader, int limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>At most <paramref name="limit"/> bytes from <paramref name="source"/> (a multipart section's body); null when it holds more.</summary>
    public static async Task<byte[]?> ReadAsync(Stream source, int limit, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(source, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            return await ReadAsync(reader, limit, cancellationToken);
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }
}
