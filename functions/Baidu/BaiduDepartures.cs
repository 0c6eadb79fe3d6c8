using System.Net.Sockets;

namespace Shiming.Baidu;

/// <summary>
/// When an OCR call's first byte is handed to its connection: the moment it leaves for Baidu, as close to Baidu's count
/// as the app can see. The OCR client's connections are opened by <see cref="ConnectAsync"/> (the sockets handler's
/// <c>ConnectCallback</c>), whose stream tells the call being sent, through a <see cref="Watch"/> set around the send in
/// the caller's flow, when it first wrote. A call held up between its start and its write (a stalled thread, a wait in
/// the pipeline) is then counted from when it really left, so the calls after it keep their distance from that.
/// </summary>
public static class BaiduDepartures
{
    private static readonly AsyncLocal<Watcher?> Current = new();

    /// <summary>
    /// Until the returned scope is disposed, the first write of a call sent from this flow reports its time to
    /// <paramref name="departed"/>, once, on the sending thread and before the bytes go: keep it short.
    /// </summary>
    public static IDisposable Watch(TimeProvider time, Action<DateTimeOffset> departed)
    {
        var watcher = new Watcher(time, departed, Current.Value);
        Current.Value = watcher;
        return watcher;
    }

    /// <summary>Opens a connection as the sockets handler does by default (no delay, any address the name has), in a stream that reports writes.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new WatchedStream(new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void Writing() => Current.Value?.Written();

    private sealed class Watcher(TimeProvider time, Action<DateTimeOffset> departed, Watcher? previous) : IDisposable
    {
        private int _written;

        public void Written()
        {
            if (Interlocked.Exchange(ref _written, 1) == 0)
            {
                departed(time.GetUtcNow());
            }
        }

        public void Dispose() => Current.Value = previous;
    }

    /// <summary>The connection's stream, unchanged but for telling the watching call of each write before it is made.</summary>
    private sealed class WatchedStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override bool CanTimeout => inner.CanTimeout;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writing();
            inner.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writing();
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Writing();
            return inner.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writing();
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
