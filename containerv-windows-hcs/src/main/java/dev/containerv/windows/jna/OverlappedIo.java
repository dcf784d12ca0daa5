package dev.containerv.windows.jna;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;

/**
 * The kernel32.dll functions of overlapped pipe I/O, bound so that nothing the kernel writes after a call
 * returned is Java-managed memory: the data buffer and the {@code OVERLAPPED} are passed as {@link Pointer}s to
 * native memory the caller keeps referenced until the I/O completed. jna-platform's {@code Kernel32} takes a
 * {@code byte[]} (copied to native memory for the duration of the call only: an ERROR_IO_PENDING read would
 * complete into freed memory) and an {@code OVERLAPPED} {@code Structure} (auto-written before and read after
 * every call, overwriting what the kernel wrote while the I/O was in flight); this interface takes neither.
 * The byte-count out-parameters of ReadFile/WriteFile are passed as NULL, as the documentation asks for
 * overlapped handles. Loaded lazily by {@link Natives#overlappedIo()}; tests implement it with a simulated kernel.
 */
public interface OverlappedIo extends StdCallLibrary {
    /** The DLL name. */
    String DLL = "kernel32";

    /** {@code ERROR_HANDLE_EOF}. */
    int ERROR_HANDLE_EOF = 38;
    /** {@code ERROR_BROKEN_PIPE}: the other end closed. */
    int ERROR_BROKEN_PIPE = 109;
    /** {@code ERROR_NO_DATA}: the pipe is being closed. */
    int ERROR_NO_DATA = 232;
    /** {@code ERROR_OPERATION_ABORTED}: the I/O was cancelled (CancelIoEx). */
    int ERROR_OPERATION_ABORTED = 995;
    /** {@code ERROR_IO_PENDING}: the I/O completes later. */
    int ERROR_IO_PENDING = 997;
    /** {@code ERROR_NOT_FOUND}: CancelIoEx found no pending I/O. */
    int ERROR_NOT_FOUND = 1168;

    /** {@code HANDLE CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState, LPCWSTR lpName)}. */
    HANDLE CreateEventW(Pointer lpEventAttributes, boolean bManualReset, boolean bInitialState, WString lpName);

    /** {@code BOOL ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead, LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped)}. */
    boolean ReadFile(HANDLE hFile, Pointer lpBuffer, int nNumberOfBytesToRead, Pointer lpNumberOfBytesRead, Pointer lpOverlapped);

    /** {@code BOOL WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite, LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)}. */
    boolean WriteFile(HANDLE hFile, Pointer lpBuffer, int nNumberOfBytesToWrite, Pointer lpNumberOfBytesWritten, Pointer lpOverlapped);

    /** {@code BOOL GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped, LPDWORD lpNumberOfBytesTransferred, BOOL bWait)}. */
    boolean GetOverlappedResult(HANDLE hFile, Pointer lpOverlapped, IntByReference lpNumberOfBytesTransferred, boolean bWait);

    /** {@code BOOL CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped)}: cancels I/O of any thread; NULL cancels all on the handle. */
    boolean CancelIoEx(HANDLE hFile, Pointer lpOverlapped);

    /** {@code BOOL CloseHandle(HANDLE hObject)}. */
    boolean CloseHandle(HANDLE hObject);

    /** {@code DWORD GetLastError()}. */
    int GetLastError();
}
