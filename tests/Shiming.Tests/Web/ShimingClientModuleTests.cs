using System.Text.Json;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Web;

/// <summary>
/// The reusable module <c>shiming-client.js</c> in Chromium, with its network answers scripted: how long it
/// waits between polls, when it stops, what it throws, and how it makes a large photo fit.
/// </summary>
[TestClass]
public sealed class ShimingClientModuleTests
{
    private static ShimingTestApp s_app = null!;
    private static Chromium s_chromium = null!;
    private static PageSession s_session = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        s_app = await ShimingTestApp.StartAsync(runTimers: false);
        s_chromium = await Chromium.GetSharedAsync();
        s_session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Desktop, principalId: "module");
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_session.DisposeAsync();
        await s_app.DisposeAsync();
    }

    [TestMethod]
    public async Task Polling_waits_as_Retry_After_says_within_bounds_and_stops_at_the_first_terminal_status()
    {
        var result = await RunAsync("""
            const answers = [
              [202, '3', 'Pending'], [202, '0', 'Running'], [202, '999', 'Running'], [202, null, 'Running'],
              [202, 'Wed, 21 Oct 2015 07:28:00 GMT', 'Running'], [200, null, 'Completed'], [200, null, 'Completed'],
            ];
            const waits = [], updates = [];
            let calls = 0;
            const fetch = async () => {
              const [status, retryAfter, runtimeStatus] = answers[calls++];
              const headers = new Headers(retryAfter === null ? {} : { 'Retry-After': retryAfter });
              return new Response(JSON.stringify({ runtimeStatus }), { status, headers });
            };
            const final = await client.pollVerification('/status', { fetch, sleep: async ms => { waits.push(ms); }, onUpdate: s => updates.push(s.runtimeStatus) });
            return { waits, updates, calls, final: final.runtimeStatus };
            """);

        // 3 s as asked; 0 s raised to the 1 s floor; 999 s capped at 60 s; none: 2 s; a date in the past: the floor.
        CollectionAssert.AreEqual(new[] { 3000, 1000, 60000, 2000, 1000 }, Ints(result, "waits"));
        Assert.AreEqual(6, result.GetProperty("calls").GetInt32());
        Assert.AreEqual("Completed", result.GetProperty("final").GetString());
        Assert.AreEqual(6, result.GetProperty("updates").GetArrayLength());
    }

    [TestMethod]
    [DataRow("Failed")]
    [DataRow("Terminated")]
    public async Task Polling_stops_at_a_failed_or_terminated_job_too(string terminal)
    {
        var result = await RunAsync($$"""
            let calls = 0;
            const fetch = async () => new Response(JSON.stringify({ runtimeStatus: calls++ === 0 ? 'Pending' : '{{terminal}}' }),
              { status: calls === 1 ? 202 : 200, headers: { 'Retry-After': '1' } });
            const final = await client.pollVerification('/status', { fetch, sleep: async () => {} });
            return { calls, final: final.runtimeStatus };
            """);

        Assert.AreEqual(2, result.GetProperty("calls").GetInt32());
        Assert.AreEqual(terminal, result.GetProperty("final").GetString());
    }

    [TestMethod]
    public async Task Polling_rides_out_network_and_server_faults_then_throws_a_refusal_with_its_advice()
    {
        var result = await RunAsync("""
            const waits = [];
            let calls = 0;
            const fetch = async () => {
              switch (calls++) {
                case 0: throw new TypeError('Failed to fetch');
                case 1: return new Response('busy', { status: 503, headers: { 'Retry-After': '5' } });
                case 2: return new Response(JSON.stringify({ runtimeStatus: 'Pending' }), { status: 202, headers: { 'Retry-After': '1' } });
                default: return new Response(JSON.stringify({ code: 'verification_not_found', title: 'No such verification.', detail: 'Submit the card again.' }),
                  { status: 404, headers: { 'Content-Type': 'application/problem+json' } });
              }
            };
            try {
              await client.pollVerification('/status', { fetch, sleep: async ms => { waits.push(ms); } });
              return { thrown: null };
            } catch (e) {
              return { thrown: e.name, isProblem: e instanceof client.ShimingProblem, status: e.status, code: e.code, detail: e.detail, waits, calls };
            }
            """);

        Assert.AreEqual("ShimingProblem", result.GetProperty("thrown").GetString());
        Assert.IsTrue(result.GetProperty("isProblem").GetBoolean());
        Assert.AreEqual(404, result.GetProperty("status").GetInt32());
        Assert.AreEqual("verification_not_found", result.GetProperty("code").GetString());
        Assert.AreEqual("Submit the card again.", result.GetProperty("detail").GetString());
        CollectionAssert.AreEqual(new[] { 1000, 5000, 1000 }, Ints(result, "waits"));
    }

    [TestMethod]
    public async Task Polling_gives_up_after_too_many_faults_in_a_row()
    {
        var result = await RunAsync("""
            let calls = 0;
            const fetch = async () => { calls++; throw new TypeError('Failed to fetch'); };
            try {
              await client.pollVerification('/status', { fetch, sleep: async () => {}, maxTransientFailures: 3 });
              return { code: null, calls };
            } catch (e) {
              return { code: e.code, calls };
            }
            """);

        Assert.AreEqual("network_error", result.GetProperty("code").GetString());
        Assert.AreEqual(4, result.GetProperty("calls").GetInt32());
    }

    [TestMethod]
    public async Task Polling_stops_at_once_when_its_signal_is_aborted()
    {
        var result = await RunAsync("""
            const controller = new AbortController();
            let calls = 0;
            const fetch = async () => {
              calls++;
              return new Response(JSON.stringify({ runtimeStatus: 'Pending' }), { status: 202, headers: { 'Retry-After': '30' } });
            };
            const polling = client.pollVerification('/status', { fetch, signal: controller.signal });
            await new Promise(resolve => setTimeout(resolve, 200));
            controller.abort();
            try {
              await polling;
              return { name: null, calls };
            } catch (e) {
              return { name: e.name, calls };
            }
            """);

        Assert.AreEqual("AbortError", result.GetProperty("name").GetString());
        Assert.AreEqual(1, result.GetProperty("calls").GetInt32());
    }

    [TestMethod]
    public async Task Polling_reports_the_identity_check_stage_and_the_finished_front_carries_the_authoritys_result()
    {
        var result = await RunAsync("""
            const answers = [
              [202, { runtimeStatus: 'Pending', customStatus: { queuePosition: 2, estimatedStartTime: '2030-01-01T00:00:02Z' } }],
              [202, { runtimeStatus: 'Running', customStatus: null }],
              [202, { runtimeStatus: 'Running', customStatus: { stage: 'identityCheck', queuePosition: 4, estimatedStartTime: '2030-01-01T00:00:09Z' } }],
              [200, { runtimeStatus: 'Completed', customStatus: null,
                      output: { side: 'front', idNumberValid: true, identityCheck: { result: 'mismatched', checkedAt: '2030-01-01T00:00:10Z' } } }],
            ];
            let calls = 0;
            const fetch = async () => {
              const [status, body] = answers[calls++];
              return new Response(JSON.stringify(body), { status, headers: { 'Retry-After': '1' } });
            };
            const stages = [];
            const final = await client.pollVerification('/status', { fetch, sleep: async () => {}, onUpdate: s => stages.push(client.jobStage(s)) });
            return {
              stages,
              check: client.identityCheckOf(final),
              matched: client.isIdentityMatched(final),
              results: client.IDENTITY_CHECK_RESULTS,
            };
            """);

        var stages = result.GetProperty("stages").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? null : e.GetString()).ToArray();
        CollectionAssert.AreEqual(new string?[] { null, null, "identityCheck", null }, stages);
        Assert.AreEqual("mismatched", result.GetProperty("check").GetProperty("result").GetString());
        Assert.AreEqual("2030-01-01T00:00:10Z", result.GetProperty("check").GetProperty("checkedAt").GetString());
        Assert.IsFalse(result.GetProperty("matched").GetBoolean());
        CollectionAssert.AreEqual(
            new[] { "matched", "mismatched", "unavailable", "skipped" },
            result.GetProperty("results").EnumerateArray().Select(e => e.GetString()).ToArray());
    }

    [TestMethod]
    public async Task A_patient_or_a_back_side_without_a_check_has_no_identity_result_and_a_matched_patient_is_verified()
    {
        var result = await RunAsync("""
            return {
              matchedPatient: client.isIdentityMatched({ id: 'p1', identityCheck: { result: 'matched', checkedAt: '2030-01-01T00:00:00Z' } }),
              uncheckedPatient: client.identityCheckOf({ id: 'p2', identityCheck: null }),
              back: client.identityCheckOf({ runtimeStatus: 'Completed', output: { side: 'back' } }),
              failed: client.identityCheckOf({ runtimeStatus: 'Failed', output: null }),
              skipped: client.identityCheckOf({ runtimeStatus: 'Completed', output: { side: 'front', identityCheck: { result: 'skipped' } } }),
            };
            """);

        Assert.IsTrue(result.GetProperty("matchedPatient").GetBoolean());
        Assert.AreEqual(JsonValueKind.Null, result.GetProperty("uncheckedPatient").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, result.GetProperty("back").ValueKind);
        Assert.AreEqual(JsonValueKind.Null, result.GetProperty("failed").ValueKind);
        Assert.AreEqual("skipped", result.GetProperty("skipped").GetProperty("result").GetString());
        Assert.AreEqual(JsonValueKind.Null, result.GetProperty("skipped").GetProperty("checkedAt").ValueKind);
    }

    [TestMethod]
    public async Task A_refusal_without_a_code_takes_its_code_from_the_last_segment_of_its_type()
    {
        var result = await RunAsync("""
            const read = async body => client.readProblem(new Response(JSON.stringify(body), { status: 422, headers: { 'Content-Type': 'application/problem+json' } }));
            const byUrn = await read({ type: 'urn:shiming:problem:identity_mismatched', title: 'Not the same person.', detail: 'Check the card.' });
            const byUrl = await read({ type: 'https://example.org/problems/identity_unavailable', title: 'Try later.' });
            const byCode = await read({ type: 'urn:shiming:problem:other', code: 'identity_not_verified' });
            const generic = await read({ type: 'https://tools.ietf.org/html/rfc9110#section-15.5.21', title: 'Unprocessable' });
            return { byUrn: byUrn.code, detail: byUrn.detail, byUrl: byUrl.code, byCode: byCode.code, generic: generic.code };
            """);

        Assert.AreEqual("identity_mismatched", result.GetProperty("byUrn").GetString());
        Assert.AreEqual("Check the card.", result.GetProperty("detail").GetString());
        Assert.AreEqual("identity_unavailable", result.GetProperty("byUrl").GetString());
        Assert.AreEqual("identity_not_verified", result.GetProperty("byCode").GetString());
        Assert.AreEqual("http_422", result.GetProperty("generic").GetString());
    }

    [TestMethod]
    public async Task A_refused_upload_is_thrown_with_the_services_code_and_advice()
    {
        var result = await RunAsync("""
            const file = new File([new TextEncoder().encode('not an image')], 'notes.png', { type: 'image/png' });
            try {
              await client.submitCard(file, { side: 'front' });
              return { code: null };
            } catch (e) {
              return { code: e.code, status: e.status, detail: e.detail };
            }
            """);

        Assert.AreEqual(415, result.GetProperty("status").GetInt32());
        Assert.AreEqual("unsupported_image_type", result.GetProperty("code").GetString());
        Assert.AreEqual("Send a photo of the ID card as a JPEG, PNG or BMP file.", result.GetProperty("detail").GetString());
    }

    [TestMethod]
    public async Task Text_recognitions_and_image_moderations_are_submitted_to_their_own_routes_with_their_options()
    {
        var result = await RunAsync("""
            const canvas = new OffscreenCanvas(320, 240);
            const context = canvas.getContext('2d');
            const image = context.createImageData(320, 240);
            crypto.getRandomValues(image.data.subarray(0, 65536));
            context.putImageData(image, 0, 0);
            const file = new File([await canvas.convertToBlob({ type: 'image/png' })], 'upload.png', { type: 'image/png' });
            const text = await client.submitTextRecognition(file, { accuracy: 'standard', locations: true });
            const moderation = await client.submitImageModeration(file);
            return { text: text.statusQueryGetUri, textId: text.id, moderation: moderation.statusQueryGetUri, status: moderation.runtimeStatus, wait: moderation.retryAfterMs };
            """);

        StringAssert.Contains(result.GetProperty("text").GetString(), "/api/text-recognitions/");
        StringAssert.Contains(result.GetProperty("moderation").GetString(), "/api/image-moderations/");
        Assert.AreEqual("Pending", result.GetProperty("status").GetString());
        Assert.IsGreaterThanOrEqualTo(1000, result.GetProperty("wait").GetInt32());
        var id = result.GetProperty("textId").GetString()!;
        var records = s_app.Storage.Records.QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"RowKey eq {id}"));
        string? variant = null;
        await foreach (var record in records)
        {
            variant = record.GetString("Variant");
        }

        Assert.AreEqual("standard-locations", variant);
    }

    [TestMethod]
    public async Task A_photo_too_large_for_the_service_is_scaled_down_and_a_fitting_one_is_sent_as_it_is()
    {
        var result = await RunAsync("""
            const png = async (width, height, noisy) => {
              const canvas = new OffscreenCanvas(width, height);
              const context = canvas.getContext('2d');
              if (noisy) {
                const image = context.createImageData(width, height);
                for (let i = 0; i < image.data.length; i += 65536) {
                  crypto.getRandomValues(image.data.subarray(i, Math.min(i + 65536, image.data.length)));
                }
                context.putImageData(image, 0, 0);
              } else {
                context.fillStyle = '#8ab';
                context.fillRect(0, 0, width, height);
              }
              return new File([await canvas.convertToBlob({ type: 'image/png' })], 'photo.png', { type: 'image/png' });
            };
            const describe = async (input, output) => {
              const bitmap = await createImageBitmap(output);
              return { same: input === output, type: output.type, size: output.size, inputSize: input.size, width: bitmap.width, height: bitmap.height };
            };
            const heavy = await png(1600, 1600, true);
            const wide = await png(4200, 300, false);
            const fitting = await png(856, 540, false);
            return {
              max: client.MAX_IMAGE_BYTES,
              heavy: await describe(heavy, await client.fitImage(heavy)),
              wide: await describe(wide, await client.fitImage(wide)),
              fitting: await describe(fitting, await client.fitImage(fitting)),
            };
            """);

        var max = result.GetProperty("max").GetInt32();
        var heavy = result.GetProperty("heavy");
        Assert.IsGreaterThan(max, heavy.GetProperty("inputSize").GetInt32(), "the test photo should be too large to begin with");
        Assert.AreEqual("image/jpeg", heavy.GetProperty("type").GetString());
        Assert.IsLessThanOrEqualTo(max, heavy.GetProperty("size").GetInt32());
        var wide = result.GetProperty("wide");
        Assert.AreEqual("image/jpeg", wide.GetProperty("type").GetString());
        Assert.AreEqual(2048, wide.GetProperty("width").GetInt32());
        Assert.IsTrue(result.GetProperty("fitting").GetProperty("same").GetBoolean(), "a photo that fits must be sent byte for byte");
    }

    /// <summary>Runs an async function body in the page with the module imported as <c>client</c>; returns what it returns.</summary>
    private static async Task<JsonElement> RunAsync(string body)
    {
        var json = await s_session.Page.EvaluateAsync<string>(
            $"async () => {{ const client = await import(new URL('shiming-client.js', location.href).href); const run = async () => {{ {body} }}; return JSON.stringify(await run()); }}");
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static int[] Ints(JsonElement result, string name) => [.. result.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];
}
