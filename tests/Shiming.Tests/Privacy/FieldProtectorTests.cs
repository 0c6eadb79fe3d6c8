using System.Security.Cryptography;
using Shiming.Privacy;

namespace Shiming.Tests.Privacy;

[TestClass]
public sealed class FieldProtectorTests
{
    private static readonly byte[] KeyA = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] KeyB = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] IndexKey = RandomNumberGenerator.GetBytes(32);

    [TestMethod]
    public void A_protected_value_reads_back_and_does_not_contain_the_plaintext()
    {
        var protector = new FieldProtector("a", new Dictionary<string, byte[]> { ["a"] = KeyA }, IndexKey);

        var stored = protector.Protect("测试地址 990001199001150032", "T/Address/1");

        Assert.DoesNotContain("990001199001150032", stored);
        Assert.StartsWith("enc1:a:", stored);
        Assert.AreEqual("测试地址 990001199001150032", protector.Unprotect(stored, "T/Address/1"));
    }

    [TestMethod]
    public void The_same_value_encrypts_differently_each_time() =>
        Assert.AreNotEqual(Protector("a").Protect("张三", "p"), Protector("a").Protect("张三", "p"));

    [TestMethod]
    public void A_value_moved_to_another_purpose_does_not_decrypt()
    {
        var protector = Protector("a");
        var stored = protector.Protect("张三", "Patients/Name/account-1/p1");

        Assert.ThrowsExactly<AuthenticationTagMismatchException>(() => protector.Unprotect(stored, "Patients/Name/account-2/p1"));
    }

    [TestMethod]
    public void A_tampered_value_does_not_decrypt()
    {
        var protector = Protector("a");
        var stored = protector.Protect("张三", "p");
        var bytes = Convert.FromBase64String(stored.Split(':')[2]);
        bytes[^1] ^= 1;

        Assert.ThrowsExactly<AuthenticationTagMismatchException>(() => protector.Unprotect($"enc1:a:{Convert.ToBase64String(bytes)}", "p"));
    }

    [TestMethod]
    public void After_rotation_old_values_still_read_and_new_ones_use_the_new_key()
    {
        var before = Protector("a");
        var old = before.Protect("张三", "p");
        var rotated = new FieldProtector("b", new Dictionary<string, byte[]> { ["a"] = KeyA, ["b"] = KeyB }, IndexKey);

        Assert.AreEqual("张三", rotated.Unprotect(old, "p"));
        Assert.StartsWith("enc1:b:", rotated.Protect("李四", "p"));
    }

    [TestMethod]
    public void A_value_whose_key_was_removed_fails_with_a_message_naming_the_setting()
    {
        var old = Protector("a").Protect("张三", "p");
        var withoutA = new FieldProtector("b", new Dictionary<string, byte[]> { ["b"] = KeyB }, IndexKey);

        var error = Assert.ThrowsExactly<CryptographicException>(() => withoutA.Unprotect(old, "p"));
        StringAssert.Contains(error.Message, "Encryption__Keys__a");
    }

    [TestMethod]
    public void The_blind_index_is_stable_across_key_rotation_and_reveals_nothing()
    {
        var index = Protector("a").BlindIndex("990001199001150032", "Patients/IdNumber");

        Assert.AreEqual(index, new FieldProtector("b", new Dictionary<string, byte[]> { ["a"] = KeyA, ["b"] = KeyB }, IndexKey).BlindIndex("990001199001150032", "Patients/IdNumber"));
        Assert.AreNotEqual(index, Protector("a").BlindIndex("990001199001150040", "Patients/IdNumber"));
        Assert.DoesNotContain("1150032", index);
    }

    [TestMethod]
    [DataRow("张", "*")]
    [DataRow("张三", "张*")]
    [DataRow("欧阳锋", "欧*锋")]
    [DataRow("司马相如", "司**如")]
    public void Names_are_partly_hidden(string name, string masked) => Assert.AreEqual(masked, PersonalDataMasking.MaskName(name));

    private static FieldProtector Protector(string id) => new(id, new Dictionary<string, byte[]> { [id] = KeyA }, IndexKey);
}
