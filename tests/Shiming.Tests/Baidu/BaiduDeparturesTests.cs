using System.Net;
using System.Net.Sockets;
using System.Text;
using Shiming.Baidu;

namespace Shiming.Tests.Baidu;

/// <summary>The OCR client's connections, opened by <see cref="BaiduDepartures.ConnectAsync"/>, against a real loopback HTTP/1.1 server.</summary>
[TestClass]
public sealed class BaiduDeparturesTests
{
    [TestMethod]
    public async Task A_watched_send_is_told_once_when_its_first_byte_goes_and_an_unwatched_one_on_the_same_connection_tells_nobody()
    {
        await using var server = await KeepAliveServer.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = BaiduDepartures.ConnectAsync });
        var told = new List<DateTimeOffset>();

        var before = DateTimeOffset.UtcNow;
        using (BaiduDepartures.Watch(TimeProvider.System, told.Add))
        {
            using var first = await http.PostAsync(server.Address, new ByteArrayContent(new byte[200_000]));
            Assert.AreEqual(HttpStatusCode.OK, first.StatusCode);
        }

        var after = DateTimeOffset.UtcNow;
        using (var unwatched = await http.PostAsync(server.Address, new ByteArrayContent(new byte[10])))
        {
            Assert.AreEqual(HttpStatusCode.OK, unwatched.StatusCode);
        }

        using (BaiduDepartures.Watch(TimeProvider.System, told.Add))
        {
            using var third = await http.GetAsync(server.Address);
            Assert.AreEqual(HttpStatusCode.OK, third.StatusCode);
        }

        Assert.HasCount(2, told, "one report for each watched send, none for the unwatched one");
        Assert.IsTrue(told[0] >= before && told[0] <= after, $"{told[0]:o} is not within the first send");
        Assert.AreEqual(1, server.Connections, "the three sends shared one pooled connection");
    }

    [TestMethod]
    public async Task A_connection_that_cannot_be_opened_fails_the_send_and_tells_nobody()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = BaiduDepartures.ConnectAsync });
        var told = 0;

        using (BaiduDepartures.Watch(TimeProvider.System, _ => told++))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{port}/")));
        }

        Assert.AreEqual(0, told);
    }

    /// <summary>Answers every request on a connection with an empty 200, keeping the connection open.</summary>
    private sealed class KeepAliveServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _accepting = Task.CompletedTask;
        private int _connections;

        public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        public int Connections => Volatile.Read(ref _connections);

        public static Task<KeepAliveServer> StartAsync()
        {
            var server = new KeepAliveServer();
            server._listener.Start();
            server._accepting = server.AcceptAsync();
            return Task.FromResult(server);
        }

        private async Task AcceptAsync()
        {
            var served = new List<Task>();
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    served.Add(ServeAsync(client));
                }
            }
            catch (OperationCanceledException)
            {
            }

            await Task.WhenAll(served);
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.Latin1);
                try
                {
                    while (await reader.ReadLineAsync(_stop.Token) is { } requestLine && requestLine.Length > 0)
                    {
                        var length = 0;
                        while (await reader.ReadLineAsync(_stop.Token) is { Length: > 0 } header)
                        {
                            if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                            {
                                length = int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                            }
                        }

                        var body = new char[length];
                        for (var read = 0; read < length;)
                        {
                            read += await reader.ReadAsync(body.AsMemory(read), _stop.Token);
                        }

                        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), _stop.Token);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
