package dev.containerv.windows.hcs;

import dev.containerv.api.ErrorKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The HRESULT table: names, kinds, Win32 facility, predicates, ResultError detail. */
class HResultTest {
    @Test
    void namesAndKinds() {
        assertThat(HResult.describe(0x80370110)).isEqualTo("HRESULT 0x80370110 HCS_E_SYSTEM_ALREADY_STOPPED");
        assertThat(HResult.info(HResult.HCS_E_SYSTEM_NOT_FOUND).kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(HResult.info(HResult.HCS_E_SYSTEM_ALREADY_EXISTS).kind()).isEqualTo(ErrorKind.ALREADY_EXISTS);
        assertThat(HResult.info(HResult.HCS_E_OPERATION_TIMEOUT).kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(HResult.info(HResult.HCS_E_IMAGE_MISMATCH).explanation()).contains("OS build");
        assertThat(HResult.info(0x80070005).name()).isEqualTo("ERROR_ACCESS_DENIED");
        assertThat(HResult.info(0x80070005).kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(HResult.info(0x803B0001).name()).isEqualTo("HCN_E_NETWORK_NOT_FOUND");
        assertThat(HResult.info(0x803B001E).name()).isEqualTo("HCN_E_INVALID_IP");
        assertThat(HResult.info(0x803B001E).kind()).isEqualTo(dev.containerv.api.ErrorKind.INVALID_SPEC);
        assertThat(HResult.info(0x80071234).name()).isEqualTo("Win32 error 4660");
        assertThat(HResult.info(0x12345678).kind()).isEqualTo(ErrorKind.PLATFORM_FAILURE);
    }

    @Test
    void predicatesGroupCodes() {
        assertThat(HResult.isNotExist(HResult.HCS_E_SYSTEM_NOT_FOUND)).isTrue();
        assertThat(HResult.isNotExist(HResult.HCS_LEGACY_SYSTEM_NOT_FOUND)).isTrue();
        assertThat(HResult.isNotExist(0x80070490)).isTrue();
        assertThat(HResult.isAlreadyStopped(HResult.HCS_E_SYSTEM_ALREADY_STOPPED)).isTrue();
        assertThat(HResult.isAlreadyStopped(HResult.HCS_LEGACY_SYSTEM_ALREADY_STOPPED)).isTrue();
        assertThat(HResult.isMountRace(0x80070015)).isTrue();
        assertThat(HResult.win32Of(0x8007048F)).isEqualTo(0x48F);
        assertThat(HResult.win32Of(0x80370100)).isEqualTo(-1);
    }

    @Test
    void resultErrorEventsBecomeTheDetail() {
        HcsException e = HcsException.fromResult("HcsCreateComputeSystem", HResult.HCS_E_INVALID_JSON,
                "{\"Error\":-2143878899,\"ErrorMessage\":\"The JSON document is invalid.\",\"ErrorEvents\":[{\"Message\":\"unknown key 'Foo'\","
                        + "\"Provider\":\"17d56ed3\",\"EventId\":1}],\"Extra\":1}");
        assertThat(e.detail()).isEqualTo("The JSON document is invalid.; unknown key 'Foo' [17d56ed3]");
        assertThat(e.getMessage()).contains("HcsCreateComputeSystem failed: HRESULT 0x8037010D HCS_E_INVALID_JSON");
        assertThat(HcsException.fromResult("X", HResult.E_FAIL, "not json").detail()).isEqualTo("not json");
        assertThat(HcsException.fromResult("X", HResult.E_FAIL, null).detail()).isNull();
    }
}
