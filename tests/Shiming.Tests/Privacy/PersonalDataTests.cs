using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;
using static Shiming.Tests.Patients.PatientTestClient;

namespace Shiming.Tests.Privacy;

/// <summary>Personal data is kept encrypted, out of logs, and no longer than the retention period.</summary>
[TestClass]
public sealed class PersonalDataTests
{
    [TestMethod]
    public async Task No_table_holds_a_name_ID_number_or_address_in_clear_and_no_image_is_left()
    {
        await using var app = await ShimingTestApp.StartAsync();
        var person = SyntheticIdentities.CreatePerson(new Random(4242));
        var verificationId = await VerifyPersonAsync(app, "at-rest", person);
        using var added = await AddAsync(app, "at-rest", verificationId);
        Assert.AreEqual(HttpStatusCode.Created, added.StatusCode);

        var raw = new List<string>();
        foreach (var table in new[] { "Verifications:JobTable", "Verifications:KeyTable", "Patients:Table" })
        {
            await foreach (var entity in app.Table(table).QueryAsync<Azure.Data.Tables.TableEntity>())
            {
                raw.AddRange(entity.Select(p => $"{p.Key}={p.Value}"));
                raw.Add(entity.PartitionKey);
                raw.Add(entity.RowKey);
            }
        }

        Assert.IsGreaterThan(5, raw.Count, "the tables should hold the job, its keys and the roster");
        var everything = string.Join("\n", raw);
        Assert.DoesNotContain(person.Name, everything);
        Assert.DoesNotContain(person.IdNumber, everything);
        Assert.DoesNotContain(person.IdNumber[6..14], everything, "the birth date part of the number");
        Assert.DoesNotContain(person.Address, everything);
        await foreach (var blob in app.Storage.Images.GetBlobsAsync())
        {
            Assert.Fail($"an image was left behind after its job finished: {blob.Name}");
        }
    }

    [TestMethod]
    public async Task Results_written_under_an_old_key_still_read_after_a_new_key_becomes_current()
    {
        Dictionary<string, string?> settings = null!;
        var person = SyntheticIdentities.CreatePerson(new Random(4343));
        string verificationId;
        await using (var before = await ShimingTestApp.StartAsync(s => settings = s))
        {
            verificationId = await VerifyPersonAsync(before, "rotation", person);
            (await AddAsync(before, "rotation", verificationId)).Dispose();
        }

        // Same storage; a new current key, the old one kept for reading.
        await using var after = await ShimingTestApp.StartAsync(s =>
        {
            foreach (var (key, value) in settings.Where(p => !p.Key.StartsWith("Baidu:", StringComparison.Ordinal)))
            {
                s[key] = value;
            }

            s["Encryption:Keys:test2"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            s["Encryption:CurrentKeyId"] = "test2";
        });

        using var status = await SendAsync(after, "rotation", HttpMethod.Get, $"/api/verifications/{verificationId}");
        Assert.AreEqual(HttpStatusCode.OK, status.StatusCode);
        Assert.AreEqual(person.IdNumber, (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("output").GetProperty("idNumber").GetString());
        Assert.AreEqual(1, (await ListAsync(after, "rotation")).GetArrayLength());
        var newPerson = SyntheticIdentities.CreatePerson(new Random(4344));
        using var addedUnderNewKey = await AddAsync(after, "rotation", await VerifyPersonAsync(after, "rotation", newPerson));
        Assert.AreEqual(HttpStatusCode.Created, addedUnderNewKey.StatusCode);
        var account = new Shiming.Api.CallerAccount("rotation").Key;
        var oldJob = await after.Table("Verifications:JobTable").FindAsync(account, verificationId);
        Assert.StartsWith("enc1:test1:", oldJob!.GetString("Output"), "the old result stays under the old key, and still reads");

        // A roster is rewritten whole, so its values move to the current key as soon as it changes.
        var roster = await after.Table("Patients:Table").FindAsync(account, "roster");
        Assert.DoesNotContain("enc1:test1:", roster!.GetString("Patients")!);
        Assert.AreEqual(2, (await ListAsync(after, "rotation")).GetArrayLength());
    }

    [TestMethod]
    public async Task Outside_development_the_app_refuses_to_start_without_encryption_keys()
    {
        var error = await Assert.ThrowsAsync<Exception>(() => ShimingTestApp.StartAsync(
            s =>
            {
                s.Remove("Encryption:CurrentKeyId");
                s.Remove("Encryption:Keys:test1");
                s.Remove("Encryption:BlindIndexKey");
            },
            environment: "Production"));

        StringAssert.Contains(error.ToString(), "Encryption__CurrentKeyId");
    }

    [TestMethod]
    public async Task No_log_line_of_a_whole_run_holds_the_cards_personal_fields()
    {
        await using var app = await ShimingTestApp.StartAsync(verboseLogs: true);
        var person = SyntheticIdentities.CreatePerson(new Random(4444));
        var random = new Random(4445);
        var back = SyntheticIdentities.CreateBack(random, person);

        var front = await VerifyPersonAsync(app, "logs", person);
        await VerifyAsync(app, "logs", SyntheticCardImages.RenderBack(back), side: "back");
        using var added = await AddAsync(app, "logs", front);
        await ListAsync(app, "logs");
        using var removed = await SendAsync(app, "logs", HttpMethod.Delete, added.Headers.Location!.ToString());

        // Everything the worker sent the host (messages, exceptions, properties) and wrote to its console.
        var log = app.Host.WorkerLog;
        Assert.IsGreaterThan(10, log.Entries.Count, "the run should have logged something");
        Assert.IsNotEmpty(log.WhereContains(front), "the job id is what the logs should name");
        foreach (var (field, value) in new[] { ("name", person.Name), ("ID number", person.IdNumber), ("address", person.Address), ("issuing authority", back.IssuingAuthority) })
        {
            var found = log.WhereContains(value);
            Assert.IsEmpty(found, $"the {field} reached the logs: {string.Join("; ", found)}");
        }
    }

    [TestMethod]
    public async Task The_daily_retention_purge_removes_jobs_past_the_retention_period_and_keeps_recent_ones()
    {
        await using var app = await ShimingTestApp.StartAsync(s => s["Verifications:Retention"] = "7.00:00:00");
        var old = await VerifyPersonAsync(app, "retention", SyntheticIdentities.CreatePerson(new Random(4646)));
        var recent = await VerifyPersonAsync(app, "retention", SyntheticIdentities.CreatePerson(new Random(4647)));
        var account = new Shiming.Api.CallerAccount("retention").Key;

        // Eight days pass for the first job: its record says it was last updated then.
        var jobs = app.Table("Verifications:JobTable");
        var oldRecord = (await jobs.FindAsync(account, old))!;
        oldRecord["LastUpdatedTime"] = DateTimeOffset.UtcNow.AddDays(-8);
        await jobs.UpdateEntityAsync(oldRecord, oldRecord.ETag, Azure.Data.Tables.TableUpdateMode.Merge);

        await app.RunFunctionAsync("PurgeExpiredVerifications");

        Assert.IsTrue(app.LogLines.Any(l => l.Contains("Retention purged 1 jobs", StringComparison.Ordinal)), string.Join("\n", app.LogLines));
        using var oldStatus = await SendAsync(app, "retention", HttpMethod.Get, $"/api/verifications/{old}");
        using var recentStatus = await SendAsync(app, "retention", HttpMethod.Get, $"/api/verifications/{recent}");
        Assert.AreEqual(HttpStatusCode.NotFound, oldStatus.StatusCode);
        Assert.AreEqual(HttpStatusCode.OK, recentStatus.StatusCode);
        var keys = new List<string>();
        await foreach (var key in app.Table("Verifications:KeyTable").QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            keys.Add(key.GetString("JobId")!);
        }

        Assert.DoesNotContain(old, keys);
        Assert.Contains(recent, keys);
        Assert.IsNull(await app.Table("Verifications:JobTable").FindAsync(account, old));
    }
}
