<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AppearanceMenu</name>
    <message>
        <location filename="../../ui/common/appearance.py" line="+176"/>
        <source>&amp;Appearance</source>
        <translation>外观(&amp;A)</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Same as the &amp;system</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
</context>
<context>
    <name>CloseGuard</name>
    <message>
        <location filename="../../ui/closing.py" line="+230"/>
        <source>RecDesk records on</source>
        <translation>RecDesk 仍在录制</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Click the tray icon to bring the window back, or quit from its menu.</source>
        <translation>点击托盘图标可重新显示窗口，也可从其菜单中退出。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Stopping the recordings…</source>
        <translation>正在停止录制…</translation>
    </message>
</context>
<context>
    <name>CloseQuestion</name>
    <message>
        <location line="-163"/>
        <source>Quit RecDesk?</source>
        <translation>退出 RecDesk？</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Stop recording and quit</source>
        <translation>停止录制并退出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep recording</source>
        <translation>继续录制</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Recordings are still running.</source>
        <translation>仍有录制任务正在进行。</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Recordings running on the built-in service: %n.</source>
        <translation>
            <numerusform>内置服务上正在进行的录制任务：%n 个。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Recordings running on the recording service: %n. Quitting RecDesk does not stop them: they go on recording on the service.</source>
        <translation>
            <numerusform>录制服务上正在进行的录制任务：%n 个。退出 RecDesk 不会停止这些任务，它们会在服务上继续录制。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A recording on this computer is running or being saved.</source>
        <translation>本机有录制正在进行或正在保存。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Quit now, or cancel and stay.</source>
        <translation>可立即退出，或取消并留在应用中。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>RecDesk goes on in the system tray</source>
        <translation>RecDesk 将转入系统托盘</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>RecDesk is minimised to the taskbar</source>
        <translation>RecDesk 将最小化到任务栏</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stop recording and quit: every file recorded so far is kept.
Keep recording: {0} and records on; quit from there when you are done.</source>
        <translation>停止录制并退出：已录制的文件都会保留。
继续录制：{0}并保持录制，完成后再从那里退出。</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <location filename="../../ui/connection/dialog.py" line="+52"/>
        <source>Connect to a recording service</source>
        <translation>连接录制服务</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>the URL&apos;s host, if left empty</source>
        <translation>留空则使用 URL 中的主机名</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Secrets are kept in the system keyring.</source>
        <translation>密钥保存在系统密钥环中。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This system has no keyring: secrets are kept in memory for this session only, and asked again next time.</source>
        <translation>此系统没有密钥环：密钥仅在本次会话中保存在内存里，下次需要重新输入。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AppID</source>
        <translation>AppID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Secret</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save profile</source>
        <translation>保存连接配置</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Connect anyway</source>
        <translation>仍然连接</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use this service although it does not answer now; RecDesk keeps trying.</source>
        <translation>即使此服务现在没有响应也使用它；RecDesk 会持续重试。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Services</source>
        <translation>服务</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Built-in demo service (on this computer)</source>
        <translation>内置演示服务（本机）</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>A profile needs a URL.</source>
        <translation>连接配置需要填写 URL。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Checking {0}…</source>
        <translation>正在检查 {0}…</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>{0} is not an http:// or https:// URL.</source>
        <translation>{0} 不是以 http:// 或 https:// 开头的 URL。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type the service&apos;s address, for example {0}.</source>
        <translation>请输入服务的地址，例如 {0}。</translation>
    </message>
</context>
<context>
    <name>ConnectionReasons</name>
    <message>
        <location filename="../../ui/connection/reasons.py" line="+119"/>
        <source>Nothing at {0} accepts connections: the connection was refused.</source>
        <translation>{0} 上没有程序接受连接：连接被拒绝。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check that the service runs there and that the port is the one it prints when it starts.</source>
        <translation>请确认服务正在该处运行，且端口与服务启动时显示的一致。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No computer named {0} was found.</source>
        <translation>找不到名为 {0} 的计算机。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the host name in the URL, and this computer&apos;s network.</source>
        <translation>请检查 URL 中的主机名以及本机的网络。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{0} did not answer within {1} s.</source>
        <translation>{0} 在 {1} 秒内没有响应。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the URL; the program there may be stuck, or a firewall may hold the connection.</source>
        <translation>请检查 URL；该处的程序可能已卡住，或防火墙拦住了连接。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The secure connection to {0} failed: {1}.</source>
        <translation>与 {0} 的安全连接失败：{1}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use http:// if the service does not use TLS, or check its certificate.</source>
        <translation>如果服务未使用 TLS，请改用 http://；否则请检查其证书。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{0} answers, but it is not a RecDesk service ({1}).</source>
        <translation>{0} 有响应，但它不是 RecDesk 服务（{1}）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the URL: use the address recdesk-server prints when it starts.</source>
        <translation>请检查 URL：使用 recdesk-server 启动时显示的地址。</translation>
    </message>
</context>
<context>
    <name>CopyProgressDialog</name>
    <message>
        <location filename="../../ui/local/save_dialogs.py" line="+280"/>
        <source>starting…</source>
        <translation>准备中…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop copying; the recording stays where it is</source>
        <translation>停止复制；录制文件保留在原处</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The recording is deleted from its working folder only once the copy is complete.</source>
        <translation>复制完成后，才会从工作文件夹中删除录制文件。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>DeviceNotes</name>
    <message>
        <location filename="../../ui/local/device_notes.py" line="+34"/>
        <source>no sound server is running (PulseAudio or PipeWire)</source>
        <translation>没有运行中的声音服务器（PulseAudio 或 PipeWire）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no X11 display: $DISPLAY is not set</source>
        <translation>没有 X11 显示：未设置 $DISPLAY</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no screen found</source>
        <translation>未找到屏幕</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no window with a title is open</source>
        <translation>没有打开带标题的窗口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no camera found</source>
        <translation>未找到摄像头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no microphone found</source>
        <translation>未找到麦克风</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no sound output found</source>
        <translation>未找到声音输出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>default capture device</source>
        <translation>默认采集设备</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{0} — what this computer plays</source>
        <translation>{0} — 本机播放的声音</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Screens</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Windows</source>
        <translation>窗口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cameras</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microphones</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System sound</source>
        <translation>系统声音</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{0} — unavailable: {1}</source>
        <translation>{0} — 不可用：{1}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>ⓘ Call is not offered: {0}.</source>
        <translation>ⓘ 无法提供通话录制：{0}。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>ⓘ This is a Wayland session. Windows of X11 programs (XWayland), the system sound and microphones can be recorded; the whole screen and native Wayland windows cannot yet (they need the desktop&apos;s screen-sharing portal).</source>
        <translation>ⓘ 当前为 Wayland 会话。可以录制 X11 程序（XWayland）的窗口、系统声音和麦克风；暂不支持录制整个屏幕和原生 Wayland 窗口（需要桌面环境的屏幕共享门户）。</translation>
    </message>
</context>
<context>
    <name>DownloadBar</name>
    <message>
        <location filename="../../ui/recordings/download_bar.py" line="+44"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop the download; starting it again resumes it.</source>
        <translation>停止下载；再次下载时将从中断处继续。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>starting…</source>
        <translation>准备中…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Downloading to {path}…</source>
        <translation>正在下载到 {path}…</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The download failed: {what}</source>
        <translation>下载失败：{what}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Download cancelled; downloading it again goes on from where it stopped.</source>
        <translation>下载已取消；再次下载时将从中断处继续。</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <location filename="../../ui/common/banner.py" line="+28"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>FilePanel</name>
    <message>
        <location filename="../../ui/recordings/file_panel.py" line="+72"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copy URL</source>
        <translation>复制 URL</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Download…</source>
        <translation>下载…</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Select a recording to see its files.</source>
        <translation>选择录制任务以查看其文件。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&lt;b&gt;Files&lt;/b&gt; of the recording in &lt;b&gt;{room}&lt;/b&gt; ({files})</source>
        <translation>房间 &lt;b&gt;{room}&lt;/b&gt; 中录制任务的&lt;b&gt;文件&lt;/b&gt;（{files}）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>no file yet</source>
        <translation>暂无文件</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Could not open the folder {folder}.</source>
        <translation>无法打开文件夹 {folder}。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Copied {text}</source>
        <translation>已复制 {text}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Save the recorded file</source>
        <translation>保存录制文件</translation>
    </message>
</context>
<context>
    <name>FilesModel</name>
    <message>
        <location filename="../../ui/recordings/models.py" line="+262"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Streams</source>
        <translation>流</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Part</source>
        <translation>分段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Upload</source>
        <translation>上传</translation>
    </message>
</context>
<context>
    <name>HelpMenu</name>
    <message>
        <location filename="../../ui/help/menu.py" line="+22"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Quick start</source>
        <translation>快速入门(&amp;Q)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open the service&apos;s &amp;API page</source>
        <translation>打开服务的 API 页面(&amp;A)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;About RecDesk</source>
        <translation>关于 RecDesk(&amp;A)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>No web browser opened {0}.</source>
        <translation>没有网页浏览器打开 {0}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open that address in a browser yourself: the service&apos;s API page is there.</source>
        <translation>请自行在浏览器中打开该地址：服务的 API 页面就在那里。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>About RecDesk</source>
        <translation>关于 RecDesk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;h3&gt;RecDesk&lt;/h3&gt;&lt;p&gt;Record real-time audio/video rooms: single-stream or mixed, in parts, with pause and resume.&lt;/p&gt;&lt;p&gt;Connected to {0}&lt;/p&gt;</source>
        <translation>&lt;h3&gt;RecDesk&lt;/h3&gt;&lt;p&gt;录制实时音视频房间：支持单流录制与合流录制、分段录制，以及暂停和继续。&lt;/p&gt;&lt;p&gt;已连接到 {0}&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>HistoryList</name>
    <message>
        <location filename="../../ui/local/history.py" line="+259"/>
        <source>No local recording saved yet.</source>
        <translation>尚未保存任何本地录制文件。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Play the recording in the system&apos;s player</source>
        <translation>用系统播放器播放录制文件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the folder that holds the recording</source>
        <translation>打开录制文件所在的文件夹</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove from list</source>
        <translation>从列表中移除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forget the entry; the file stays where it is</source>
        <translation>仅移除此条记录，文件保留在原处</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>{0} is missing: it was deleted or moved.</source>
        <translation>找不到 {0}：文件已被删除或移动。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Opened {0}</source>
        <translation>已打开 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No program opens {0}.</source>
        <translation>没有可以打开 {0} 的程序。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The folder {0} is gone.</source>
        <translation>文件夹 {0} 已不存在。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Could not open the folder {0}.</source>
        <translation>无法打开文件夹 {0}。</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location line="-208"/>
        <source>Recording</source>
        <translation>录制中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Missing (deleted or moved):
{0}</source>
        <translation>文件缺失（已删除或移动）：
{0}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>missing — {0}</source>
        <translation>缺失 — {0}</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>{0} + %n more part(s)</source>
        <translation>
            <numerusform>{0} 及另外 %n 个分段</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <location filename="../../ui/common/language_menu.py" line="+24"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Same as the &amp;system</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RecDesk shows the language you chose when it starts again.</source>
        <translation>RecDesk 下次启动时将使用你选择的语言。</translation>
    </message>
</context>
<context>
    <name>LayoutCanvas</name>
    <message>
        <location filename="../../ui/layout_editor/canvas.py" line="+157"/>
        <source>Move region</source>
        <translation>移动区域</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Resize region</source>
        <translation>调整区域大小</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>Nudge region</source>
        <translation>微移区域</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Delete region</source>
        <translation>删除区域</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Duplicate region</source>
        <translation>复制区域</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Raise region</source>
        <translation>上移区域</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Lower region</source>
        <translation>下移区域</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Bring region to front</source>
        <translation>将区域置于顶层</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Send region to back</source>
        <translation>将区域置于底层</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Assign stream</source>
        <translation>分配流</translation>
    </message>
</context>
<context>
    <name>LayoutEditor</name>
    <message>
        <location filename="../../ui/common/templates.py" line="+9"/>
        <source>Grid</source>
        <translation>宫格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Floating (picture in picture)</source>
        <translation>悬浮（画中画）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Side by side: main + column</source>
        <translation>并排：主画面 + 侧栏</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Main above a row</source>
        <translation>主画面在上，其余一排</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active speaker</source>
        <translation>当前发言人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Screen share</source>
        <translation>屏幕共享</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../ui/layout_editor/canvas_section.py" line="+114"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../ui/layout_editor/canvas_section.py" line="-20"/>
        <source> kbit/s</source>
        <translation> kbit/s</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+49"/>
        <location filename="../../ui/layout_editor/region_section.py" line="+87"/>
        <source>W </source>
        <translation>宽 </translation>
    </message>
    <message>
        <location line="-47"/>
        <location line="+49"/>
        <location filename="../../ui/layout_editor/region_section.py" line="+2"/>
        <source>H </source>
        <translation>高 </translation>
    </message>
    <message>
        <location line="-44"/>
        <location line="+195"/>
        <source>{fps} fps</source>
        <translation>{fps} fps</translation>
    </message>
    <message>
        <location line="-193"/>
        <source>Background colour</source>
        <translation>背景颜色</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Change background colour</source>
        <translation>更改背景颜色</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Background image</source>
        <translation>背景图片</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Change background image</source>
        <translation>更改背景图片</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Change video bitrate</source>
        <translation>更改视频码率</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Change audio bitrate</source>
        <translation>更改音频码率</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Watermark image</source>
        <translation>水印图片</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../../ui/layout_editor/region_section.py" line="-6"/>
        <source>x </source>
        <translation>x </translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../ui/layout_editor/region_section.py" line="+2"/>
        <source>y </source>
        <translation>y </translation>
    </message>
    <message>
        <location line="+7"/>
        <source> %</source>
        <translation>%</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+11"/>
        <location filename="../../ui/layout_editor/region_section.py" line="+64"/>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Frame rate</source>
        <translation>帧率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Background</source>
        <translation>背景</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Image</source>
        <translation>图片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Video bitrate</source>
        <translation>视频码率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Audio bitrate</source>
        <translation>音频码率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Watermark</source>
        <translation>水印</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../../ui/layout_editor/region_section.py" line="-1"/>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Video bitrate of the mixed recording.</source>
        <translation>合流录制的视频码率。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Audio bitrate of the mixed recording.</source>
        <translation>合流录制的音频码率。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An image drawn over everything, such as a logo.</source>
        <translation>叠加在所有画面最上层的图片，例如 Logo。</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Change canvas size</source>
        <translation>更改画布尺寸</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Change frame rate</source>
        <translation>更改帧率</translation>
    </message>
    <message>
        <location line="+20"/>
        <location line="+10"/>
        <source>Change watermark</source>
        <translation>更改水印</translation>
    </message>
    <message>
        <location filename="../../ui/layout_editor/editor.py" line="+84"/>
        <source>Layout editor</source>
        <translation>布局编辑器</translation>
    </message>
    <message>
        <location filename="../../ui/layout_editor/preview.py" line="+109"/>
        <source>The exact preview appears here.</source>
        <translation>精确预览将显示在这里。</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Fix the layout&apos;s problems to update the preview.</source>
        <translation>请先修正布局中的问题，预览才会更新。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+23"/>
        <source>Updating…</source>
        <translation>正在更新…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Not updated</source>
        <translation>未更新</translation>
    </message>
    <message>
        <location filename="../../ui/layout_editor/editor.py" line="+23"/>
        <source>Render preview</source>
        <translation>渲染预览</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh pictures</source>
        <translation>刷新画面</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Take each stream&apos;s picture for the canvas now (they are refreshed slowly).</source>
        <translation>立即为画布获取每路流的画面（画面平时只会缓慢刷新）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Apply to the recording…</source>
        <translation>应用到录制任务…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Pick another preset file.</source>
        <translation>请选择其他预设文件。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Change the canvas first.</source>
        <translation>请先更改画布设置。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&lt;b&gt;Exact preview&lt;/b&gt; — rendered by the recorder</source>
        <translation>&lt;b&gt;精确预览&lt;/b&gt; — 由录制服务渲染</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Layout editor — {0}</source>
        <translation>布局编辑器 — {0}</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Change the recording&apos;s layout?</source>
        <translation>要更改录制任务的布局吗？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The recording of {0} switches to this layout from its next frame. The file goes on without a break.</source>
        <translation>{0} 的录制将从下一帧起切换为此布局，录制文件不会中断。</translation>
    </message>
    <message>
        <location filename="../../ui/layout_editor/fields.py" line="+27"/>
        <source>Everyone in equal tiles.</source>
        <translation>所有人平均分格显示。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The main stream fills the canvas; the others float over it, bottom right.</source>
        <translation>主画面铺满画布，其余画面悬浮在右下角。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The main stream at the left; the others in a column at the right.</source>
        <translation>主画面在左侧，其余画面在右侧排成一列。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The main stream on top; the others in a row along the bottom.</source>
        <translation>主画面在上方，其余画面在底部排成一行。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Side by side, with whoever spoke last as the main stream.</source>
        <translation>并排显示，最后发言的人作为主画面。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Side by side, with a shared screen as the main stream.</source>
        <translation>并排显示，共享的屏幕作为主画面。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Regions stay exactly where you put them, whoever joins or leaves.</source>
        <translation>无论谁加入或离开，各区域都保持在你放置的位置。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Fit (whole picture, bars)</source>
        <translation>适应（完整画面，留黑边）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fill (crop to the box)</source>
        <translation>填充（裁剪到框内）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stretch (distort)</source>
        <translation>拉伸（变形）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>1920 x 1080 (Full HD)</source>
        <translation>1920 x 1080（全高清）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1280 x 720 (HD)</source>
        <translation>1280 x 720（高清）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>960 x 540</source>
        <translation>960 x 540</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>854 x 480</source>
        <translation>854 x 480</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>640 x 360</source>
        <translation>640 x 360</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1080 x 1920 (portrait)</source>
        <translation>1080 x 1920（竖屏）</translation>
    </message>
    <message>
        <location filename="../../ui/layout_editor/images.py" line="+37"/>
        <source>PNG or JPEG images (*.png *.jpg *.jpeg)</source>
        <translation>PNG 或 JPEG 图片 (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Upload…</source>
        <translation>上传…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send a PNG or JPEG of this computer to the service, and use it.</source>
        <translation>将本机的 PNG 或 JPEG 图片上传到服务并使用。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} (not on the service)</source>
        <translation>{0}（服务上不存在）</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>{0} is not a PNG or JPEG file; the service takes only those.</source>
        <translation>{0} 不是 PNG 或 JPEG 文件，服务仅支持这两种格式。</translation>
    </message>
    <message>
        <location filename="../../ui/layout_editor/panel.py" line="+79"/>
        <source>Sound only: always mixed in, it needs no region.</source>
        <translation>纯音频：声音始终会混入，无需分配区域。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Drag onto a region of the canvas.</source>
        <translation>拖放到画布上的区域中。</translation>
    </message>
    <message>
        <location line="+91"/>
        <source>Assign to selected region</source>
        <translation>分配到所选区域</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>No problems.</source>
        <translation>没有问题。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Region</source>
        <translation>区域</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Streams</source>
        <translation>流</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Canvas</source>
        <translation>画布</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+140"/>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <location line="-71"/>
        <source>Cannot arrange the template: {error}</source>
        <translation>无法按模板排列：{error}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Use template {name}</source>
        <translation>使用模板“{name}”</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Assign stream to region</source>
        <translation>将流分配到区域</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>double-click to select the region</source>
        <translation>双击可选中该区域</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Problems ({count})</source>
        <translation>问题（{count}）</translation>
    </message>
    <message>
        <location filename="../../ui/layout_editor/region_section.py" line="-69"/>
        <source>Select a region on the canvas to edit it.</source>
        <translation>在画布上选中区域即可编辑。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Regions with a higher layer are drawn over lower ones.</source>
        <translation>层级高的区域显示在层级低的区域之上。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Mix its sound</source>
        <translation>混入该流的声音</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Placeholder colour</source>
        <translation>占位颜色</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Shown while the stream has no picture.</source>
        <translation>流没有画面时显示此颜色。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Draw a border inside the region.</source>
        <translation>在区域内侧绘制边框。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Border colour</source>
        <translation>边框颜色</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Stream</source>
        <translation>流</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Layer</source>
        <translation>层级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Picture</source>
        <translation>画面</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sound</source>
        <translation>声音</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Placeholder</source>
        <translation>占位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Border</source>
        <translation>边框</translation>
    </message>
    <message>
        <location line="+30"/>
        <location line="+1"/>
        <source>Move region</source>
        <translation>移动区域</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Resize region</source>
        <translation>调整区域大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change region layer</source>
        <translation>更改区域层级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change picture fit</source>
        <translation>更改画面适配方式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change region stream</source>
        <translation>更改区域的流</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change region sound</source>
        <translation>更改区域声音</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Change placeholder colour</source>
        <translation>更改占位颜色</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+11"/>
        <source>Change region border</source>
        <translation>更改区域边框</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{id} (not in the room)</source>
        <translation>{id}（不在房间内）</translation>
    </message>
</context>
<context>
    <name>LayoutPresets</name>
    <message>
        <location filename="../../ui/layout_editor/presets.py" line="+117"/>
        <source>Imported</source>
        <translation>导入的布局</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Saved layouts</source>
        <translation>已保存的布局</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No presets yet</source>
        <translation>暂无预设</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Cannot list the presets: {error}</source>
        <translation>无法列出预设：{error}</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Load preset {name}</source>
        <translation>加载预设“{name}”</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Cannot import {file}:</source>
        <translation>无法导入 {file}：</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Layout presets</source>
        <translation>布局预设</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+9"/>
        <source>Save layout preset</source>
        <translation>保存布局预设</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Replace the preset {name}?</source>
        <translation>要替换预设“{name}”吗？</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Delete layout preset</source>
        <translation>删除布局预设</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the preset {name}?</source>
        <translation>要删除预设“{name}”吗？</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Import layout</source>
        <translation>导入布局</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Layouts (*.json);;All files (*)</source>
        <translation>布局文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Export layout</source>
        <translation>导出布局</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Layouts (*.json)</source>
        <translation>布局文件 (*.json)</translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <location filename="../../ui/local/level_meter.py" line="+75"/>
        <source>Audio level (peak, dBFS): green is fine, red is near clipping.</source>
        <translation>音频电平（峰值，dBFS）：绿色表示正常，红色表示接近削波。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Audio level</source>
        <translation>音频电平</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0:.0f} dBFS</source>
        <translation>{0:.0f} dBFS</translation>
    </message>
</context>
<context>
    <name>LiveFileSizes</name>
    <message>
        <location filename="../../ui/recordings/live/files.py" line="+30"/>
        <source>{0} Mbit/s</source>
        <translation>{0} Mbit/s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} kbit/s</source>
        <translation>{0} kbit/s</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>{0} · writing</source>
        <translation>{0} · 写入中</translation>
    </message>
</context>
<context>
    <name>LiveView</name>
    <message>
        <location filename="../../ui/recordings/live/view.py" line="+223"/>
        <source>Layout: {0}</source>
        <translation>布局：{0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} so far</source>
        <translation>目前 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} · {1} so far</source>
        <translation>{0} · 目前 {1}</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%n upload(s) failing, tried again: {0}</source>
        <translation>
            <numerusform>%n 个上传失败，正在重试：{0}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LocalControls</name>
    <message>
        <location filename="../../ui/local/controls.py" line="+31"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Record the chosen source on this computer (Ctrl+Shift+L).</source>
        <translation>在本机录制所选来源（Ctrl+Shift+L）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pause: nothing is written until Resume (Ctrl+Shift+P).</source>
        <translation>暂停：点击“继续”前不写入任何内容（Ctrl+Shift+P）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Go on recording in the same file (Ctrl+Shift+P).</source>
        <translation>在同一文件中继续录制（Ctrl+Shift+P）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finish the file and save it (Ctrl+Shift+L).</source>
        <translation>结束并保存文件（Ctrl+Shift+L）。</translation>
    </message>
</context>
<context>
    <name>LocalFigures</name>
    <message>
        <location filename="../../ui/local/figures.py" line="+115"/>
        <source>elapsed</source>
        <translation>已录制</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>bitrate</source>
        <translation>码率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dropped</source>
        <translation>丢帧</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Frames the file lacks at its frame rate: the computer or a source fell behind.</source>
        <translation>按文件帧率计算缺少的帧数：说明电脑或某个来源处理不过来。</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>♪  Sound only: no picture to show.</source>
        <translation>♪  仅录制声音：没有可显示的画面。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The preview appears here while recording.</source>
        <translation>录制时将在此处显示预览。</translation>
    </message>
</context>
<context>
    <name>LocalRecorderPanel</name>
    <message>
        <location filename="../../ui/local/endings.py" line="+33"/>
        <source>Stopped: disk almost full ({0} left).</source>
        <translation>已停止：磁盘快满了（剩余 {0}）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stopped: disk almost full.</source>
        <translation>已停止：磁盘快满了。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stopped: the source ended.</source>
        <translation>已停止：来源已结束。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stopped: the source sent nothing for a while.</source>
        <translation>已停止：来源有一段时间没有发送任何内容。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stopped ({0}).</source>
        <translation>已停止（{0}）。</translation>
    </message>
    <message>
        <location filename="../../ui/local/panel.py" line="+150"/>
        <source>Not recording</source>
        <translation>未在录制</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Recent recordings</source>
        <translation>最近的录制文件</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Fetching the layout&apos;s images…</source>
        <translation>正在获取布局中的图片…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Could not fetch the layout&apos;s images: {0}</source>
        <translation>无法获取布局中的图片：{0}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Pick something to record first.</source>
        <translation>请先选择要录制的内容。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Could not start: {0}</source>
        <translation>无法开始：{0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Opening the source…</source>
        <translation>正在打开来源…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Finishing the file…</source>
        <translation>正在完成文件写入…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Stopped; the file is offered again at the next start.</source>
        <translation>已停止；下次启动时会再次提示处理该文件。</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+5"/>
        <location line="+40"/>
        <source>Recording</source>
        <translation>录制中</translation>
    </message>
    <message>
        <location line="-42"/>
        <location line="+44"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="-38"/>
        <source>The disk is almost full ({0} left): stopping the recording.</source>
        <translation>磁盘即将用尽（剩余 {0}）：正在停止录制。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Disk space is low: {0} left.</source>
        <translation>磁盘空间不足：剩余 {0}。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} joined but could not be recorded: {1}</source>
        <translation>{0} 已加入，但无法录制：{1}</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{0} joined the recording</source>
        <translation>{0} 已加入录制</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} left the recording</source>
        <translation>{0} 已离开录制</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Stopped before anything was recorded.</source>
        <translation>尚未录到任何内容即已停止。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kept in the recordings folder.</source>
        <translation>已保留在录制文件夹中。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discarded.</source>
        <translation>已丢弃。</translation>
    </message>
</context>
<context>
    <name>LocalSettingsDialog</name>
    <message>
        <location filename="../../ui/local/settings.py" line="+113"/>
        <source>Local recording settings</source>
        <translation>本地录制设置</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Ask where to save it</source>
        <translation>每次询问保存位置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save it straight into this folder:</source>
        <translation>直接保存到此文件夹：</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>When a recording stops</source>
        <translation>录制停止时</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{label} the recording&apos;s name · {room} its room · {date} · {time}</source>
        <translation>{label} 录制名称 · {room} 所在房间 · {date} 日期 · {time} 时间</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>File name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Template:</source>
        <translation>模板：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Example:</source>
        <translation>示例：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Disk space</source>
        <translation>磁盘空间</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop recording when free space is below:</source>
        <translation>可用空间低于此值时停止录制：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>While it records, a recording is written to {0}; saving it on that disk is instant, saving it on another disk copies it.</source>
        <translation>录制过程中，文件会写入 {0}；保存到同一磁盘可立即完成，保存到其他磁盘则需要复制。</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Team meeting</source>
        <translation>团队会议</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Save local recordings into</source>
        <translation>选择本地录制文件的保存位置</translation>
    </message>
</context>
<context>
    <name>LocalSourcePicker</name>
    <message>
        <location filename="../../ui/local/choices.py" line="+46"/>
        <source>M4A (sound only)</source>
        <translation>M4A（仅声音）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Draft · 480p15</source>
        <translation>草稿 · 480p15</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Standard · 720p30</source>
        <translation>标准 · 720p30</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>High · 1080p30</source>
        <translation>高 · 1080p30</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source size · 30 fps</source>
        <translation>原始尺寸 · 30 fps</translation>
    </message>
    <message>
        <location filename="../../ui/local/sources.py" line="+116"/>
        <source>What to record on this computer.</source>
        <translation>要在本机录制的内容。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Look for screens, cameras and microphones again.</source>
        <translation>重新检测屏幕、摄像头和麦克风。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>MP4 plays everywhere and survives a crash; M4A keeps the sound only.</source>
        <translation>MP4 通用性最好，程序崩溃后也能恢复；M4A 仅保留声音。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Picture size, frame rate and bitrate of what is encoded (mixes, devices).</source>
        <translation>编码输出（合流、设备）的画面尺寸、帧率和码率。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No split</source>
        <translation>不分段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start a new file every so many minutes.</source>
        <translation>每隔指定分钟数开始一个新文件。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>One mixed track</source>
        <translation>混合为一条音轨</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Separate tracks (microphone and speakers apart)</source>
        <translation>分离音轨（麦克风与扬声器分开）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mix every sound source into one track, or keep each on a track of its own (to edit or balance them later).</source>
        <translation>将所有声音来源混合为一条音轨，或各自单独一条音轨（便于后期剪辑或调整音量平衡）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Voices</source>
        <translation>音轨</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quality</source>
        <translation>画质</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Split</source>
        <translation>分段</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Participants of {0}</source>
        <translation>{0} 的参与者</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This room</source>
        <translation>本房间</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Room audio, mixed (M4A)</source>
        <translation>房间音频，合流（M4A）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Whole room, mixed (current layout)</source>
        <translation>整个房间，合流（当前布局）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Screen: {0}</source>
        <translation>屏幕：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Window: {0}</source>
        <translation>窗口：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Camera: {0}</source>
        <translation>摄像头：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Microphone: {0}</source>
        <translation>麦克风：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System sound: {0}</source>
        <translation>系统声音：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Screen + microphone</source>
        <translation>屏幕 + 麦克风</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Screen + microphone + camera</source>
        <translation>屏幕 + 麦克风 + 摄像头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Camera + microphone</source>
        <translation>摄像头 + 麦克风</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>screen</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Call — {0} + microphone + speakers</source>
        <translation>通话 — {0} + 麦克风 + 扬声器</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/window.py" line="+80"/>
        <source>RecDesk</source>
        <translation>RecDesk</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>On the service</source>
        <translation>服务端</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>On this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Record the room on the recording service.</source>
        <translation>在录制服务上录制该房间。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Record a participant, the room or this computer&apos;s devices here.</source>
        <translation>在本机录制某个参与者、整个房间或本机设备。</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Connect to a service…</source>
        <translation>连接到服务(&amp;C)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open the service&apos;s &amp;API page</source>
        <translation>打开服务的 API 页面(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Room</source>
        <translation>房间(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Search rooms</source>
        <translation>搜索房间(&amp;S)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Start recording</source>
        <translation>开始录制(&amp;S)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Pause or resume recording</source>
        <translation>暂停/继续录制(&amp;P)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>S&amp;top recording</source>
        <translation>停止录制(&amp;T)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Edit the &amp;layout…</source>
        <translation>编辑布局(&amp;L)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This &amp;computer</source>
        <translation>本机(&amp;C)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Start or stop recording here</source>
        <translation>在本机开始/停止录制(&amp;S)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Pause or resume recording here</source>
        <translation>在本机暂停/继续录制(&amp;P)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Look for &amp;devices again</source>
        <translation>重新检测设备(&amp;D)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Where to &amp;save…</source>
        <translation>保存位置(&amp;S)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>No room is selected.</source>
        <translation>未选择房间。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Select a room, then edit its layout.</source>
        <translation>请先选择一个房间，再编辑其布局。</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>The recording service does not answer.</source>
        <translation>录制服务无响应。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What is shown is not up to date since {0}.</source>
        <translation>显示的内容自 {0} 起未更新。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>RecDesk reconnects by itself as soon as it is back; what you typed is kept.</source>
        <translation>服务恢复后 RecDesk 会自动重新连接；已输入的内容会保留。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The recording service refused this app&apos;s credentials: {0}</source>
        <translation>录制服务拒绝了本应用的凭据：{0}</translation>
    </message>
</context>
<context>
    <name>Names</name>
    <message>
        <location filename="../../ui/common/formats.py" line="+38"/>
        <source>Single-stream</source>
        <translation>单流</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mixed</source>
        <translation>合流</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>screen</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped: nothing published for a while</source>
        <translation>已停止：一段时间内无人推流</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped at its maximum duration</source>
        <translation>已停止：达到最长录制时长</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped: the source ended</source>
        <translation>已停止：源已结束</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped: the disk is full</source>
        <translation>已停止：磁盘已满</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped: no media came</source>
        <translation>已停止：没有收到媒体</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <location filename="../../ui/status/notices.py" line="+48"/>
        <source>Recording of {0} stopped: the service&apos;s disk is full</source>
        <translation>{0} 的录制已停止：服务端磁盘已满</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every file recorded so far is kept. Free some space on the service&apos;s disk, then start again.</source>
        <translation>已录制的文件均已保留。请清理服务端磁盘空间后重新开始。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No reason given.</source>
        <translation>未说明原因。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the room and the service, then start again.</source>
        <translation>请检查房间和服务后重新开始。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recording of {0} failed</source>
        <translation>{0} 的录制失败</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>It stopped because nothing was published for a while.</source>
        <translation>由于一段时间内无人发布，录制已停止。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It stopped at its maximum duration.</source>
        <translation>已达到最长录制时长，录制已停止。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It stopped because its source ended.</source>
        <translation>由于来源已结束，录制已停止。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Its files are in RecDesk&apos;s list of recordings.</source>
        <translation>其文件可在 RecDesk 的录制列表中查看。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recording of {0} finished</source>
        <translation>{0} 的录制已完成</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Recording of {0} stopped: this computer&apos;s disk is full</source>
        <translation>{0} 的录制已停止：本机磁盘已满</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every file recorded so far is kept. Free some space on this computer, then start again.</source>
        <translation>已录制的文件均已保留。请清理本机磁盘空间后重新开始。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Check the source, then start again.</source>
        <translation>请检查来源后重新开始。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recording of {0} on this computer failed</source>
        <translation>本机录制 {0} 失败</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Recording of {0} on this computer finished</source>
        <translation>本机录制 {0} 已完成</translation>
    </message>
</context>
<context>
    <name>Opening</name>
    <message>
        <location filename="../../ui/common/opening.py" line="+28"/>
        <source>No file manager could open the folder {0}.</source>
        <translation>没有文件管理器能打开文件夹 {0}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Its path is on the clipboard: paste it into a file manager or a terminal. To open folders from RecDesk, install a file manager (xdg-open opens it).</source>
        <translation>路径已复制到剪贴板：可粘贴到文件管理器或终端中。如需从 RecDesk 打开文件夹，请安装文件管理器（由 xdg-open 启动）。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No program could open {0}.</source>
        <translation>没有程序能打开 {0}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Its path is on the clipboard: open it in a video player. To play recordings from RecDesk, install a player the desktop opens videos with (xdg-open starts it).</source>
        <translation>路径已复制到剪贴板：请用视频播放器打开。如需从 RecDesk 播放录制文件，请安装桌面用来打开视频的播放器（由 xdg-open 启动）。</translation>
    </message>
</context>
<context>
    <name>PreviewView</name>
    <message>
        <location filename="../../ui/local/figures.py" line="-130"/>
        <source>The preview appears here while recording.</source>
        <translation>录制时将在此处显示预览。</translation>
    </message>
</context>
<context>
    <name>QuickStartDialog</name>
    <message>
        <location filename="../../ui/help/quick_start.py" line="+48"/>
        <source>Quick start</source>
        <translation>快速入门</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This copy of RecDesk carries no README; see the project&apos;s home page.</source>
        <translation>此 RecDesk 副本未附带 README；请查看项目主页。</translation>
    </message>
</context>
<context>
    <name>RecordControls</name>
    <message>
        <location filename="../../ui/recordings/controls.py" line="+97"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start recording this room with the options below.</source>
        <translation>使用下方选项开始录制此房间。</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>The start options could not be read: {}</source>
        <translation>无法读取开始录制的选项：{}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is a fault of the app; please report it.</source>
        <translation>这是应用程序的错误，请报告此问题。</translation>
    </message>
    <message>
        <location line="+179"/>
        <source>No room selected</source>
        <translation>未选择房间</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not recording</source>
        <translation>未在录制</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Recording</source>
        <translation>录制中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Uploading…</source>
        <translation>正在上传…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Failed: {}</source>
        <translation>失败：{}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
</context>
<context>
    <name>RecordOptions</name>
    <message>
        <location filename="../../ui/recordings/form/fields.py" line="+53"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location line="+19"/>
        <location line="+65"/>
        <location filename="../../ui/recordings/form/record_form.py" line="+149"/>
        <location line="+29"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="-63"/>
        <source>A preset of the service fills in the options; what you change here wins.</source>
        <translation>服务的预设会填好各项选项；您在此处的修改优先生效。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Automatic: the streams&apos; codecs choose (WebM for a WebRTC room&apos;s VP8, else MP4).</source>
        <translation>自动：由流的编码决定（WebRTC 房间的 VP8 流使用 WebM，其余使用 MP4）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>How the streams are placed in a mixed recording.</source>
        <translation>合流录制中各路流的排布方式。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+25"/>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Start a new file every so many seconds.</source>
        <translation>每隔指定秒数开始一个新的分段文件。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stop when no one has sent anything for this long.</source>
        <translation>无人发送数据持续达到此时长时停止录制。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop after recording this long (pauses not counted).</source>
        <translation>录制达到此时长后停止（不计暂停时间）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File name; fields: {random} {date} {time} {roomid} {userid} {taskid} {part}.</source>
        <translation>文件名；可用字段：{random} {date} {time} {roomid} {userid} {taskid} {part}。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the recordings folder itself</source>
        <translation>录制文件夹根目录</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A folder inside the service&apos;s recordings folder.</source>
        <translation>服务录制文件夹中的子文件夹。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checked streams are recorded.</source>
        <translation>录制已勾选的流。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Save a picture of each stream every so many seconds.</source>
        <translation>每隔指定秒数为每路流保存一张截图。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>optional text kept with the recording</source>
        <translation>可选，随录制任务保存的文本</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Upload the files to this storage of the service.</source>
        <translation>将文件上传到服务的此存储。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>https://… (optional)</source>
        <translation>https://…（可选）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The recording&apos;s events are also sent to this address.</source>
        <translation>录制任务的事件也会发送到此地址。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>More options</source>
        <translation>更多选项</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Split every</source>
        <translation>分段间隔</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop when idle for</source>
        <translation>空闲停止时长</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Stop after</source>
        <translation>最长录制时长</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>File name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Streams</source>
        <translation>流</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Snapshot every</source>
        <translation>截图间隔</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Storage</source>
        <translation>存储</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Callback URL</source>
        <translation>回调地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User data</source>
        <translation>用户数据</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Record</source>
        <translation>录制内容</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <location filename="../../ui/recordings/form/record_form.py" line="-108"/>
        <source>The callback URL is not an http:// or https:// URL.</source>
        <translation>回调地址不是 http:// 或 https:// 开头的网址。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Type the address that receives the events, or clear the field.</source>
        <translation>请输入接收事件的地址，或清空此栏。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No stream is checked.</source>
        <translation>未勾选任何流。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No stream is checked, so there would be nothing to record.</source>
        <translation>未勾选任何流，没有可录制的内容。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check at least one stream under More options, Streams.</source>
        <translation>请在“更多选项”&gt;“流”中至少勾选一路流。</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>The service&apos;s presets could not be read: {0}</source>
        <translation>无法读取服务的预设：{0}</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>The preset&apos;s ({0})</source>
        <translation>预设自带（{0}）</translation>
    </message>
    <message>
        <location filename="../../ui/recordings/options.py" line="+26"/>
        <source>Audio + video</source>
        <translation>音频 + 视频</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Audio only</source>
        <translation>仅音频</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Video only</source>
        <translation>仅视频</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Audio and video in separate files</source>
        <translation>音频和视频分别存为文件</translation>
    </message>
</context>
<context>
    <name>RecordingCount</name>
    <message numerus="yes">
        <location filename="../../ui/status/counts.py" line="+48"/>
        <source>%n recording(s) here</source>
        <translation>
            <numerusform>本机 %n 个录制中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n paused here</source>
        <translation>
            <numerusform>本机 %n 个已暂停</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n recording(s) on the service</source>
        <translation>
            <numerusform>服务端 %n 个录制中</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n paused on the service</source>
        <translation>
            <numerusform>服务端 %n 个已暂停</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>nothing recording</source>
        <translation>无录制任务</translation>
    </message>
</context>
<context>
    <name>RecordingGaps</name>
    <message>
        <location filename="../../ui/recordings/gaps.py" line="+20"/>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分钟</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{m} min {s} s</source>
        <translation>{m} 分 {s} 秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>service restarted</source>
        <translation>服务已重启</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>recorder restarted</source>
        <translation>录制进程已重启</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{length} missing ({reason})</source>
        <translation>缺失 {length}（{reason}）</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{note}: from {start} to {end}</source>
        <translation>{note}：从 {start} 到 {end}</translation>
    </message>
</context>
<context>
    <name>RecordingList</name>
    <message>
        <location filename="../../ui/recordings/recording_list.py" line="+74"/>
        <source>All rooms</source>
        <translation>全部房间</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Room:</source>
        <translation>房间：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message numerus="yes">
        <location line="+116"/>
        <source>{shown} of %n recording(s)</source>
        <translation>
            <numerusform>{shown} / %n 个录制</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n recording(s)</source>
        <translation>
            <numerusform>%n 个录制</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RecordingsModel</name>
    <message>
        <location filename="../../ui/recordings/models.py" line="-170"/>
        <source>Room</source>
        <translation>房间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Elapsed</source>
        <translation>已录制</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+112"/>
        <source>Recording {id}</source>
        <translation>录制任务 {id}</translation>
    </message>
</context>
<context>
    <name>RecoveryOffer</name>
    <message>
        <location filename="../../ui/local/recovery.py" line="+89"/>
        <source>RecDesk was closed while recording “{0}” (started {1}, {2}). Recover it?</source>
        <translation>RecDesk 在录制“{0}”时被关闭（开始于 {1}，{2}）。是否恢复？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Recovering makes its files playable; then you save it.</source>
        <translation>恢复后文件即可正常播放，然后再进行保存。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recover</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>RecDesk was closed before the recording “{0}” (started {1}, {2}) was saved. Save it now?</source>
        <translation>RecDesk 关闭时，录制文件“{0}”（开始于 {1}，{2}）尚未保存。是否立即保存？</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Its files are complete.</source>
        <translation>文件完整无损。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Unsaved recording</source>
        <translation>未保存的录制文件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Later leaves it where it is until the next start.</source>
        <translation>选择“稍后”将保留原样，下次启动时再处理。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Discard…</source>
        <translation>丢弃…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Recovering “{0}”…</source>
        <translation>正在恢复“{0}”…</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>no file of it could be read</source>
        <translation>其文件均无法读取</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Could not recover the recording</source>
        <translation>无法恢复录制文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>“{0}” could not be made playable: {1}.</source>
        <translation>无法将“{0}”恢复为可播放状态：{1}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Its files stay in {0}; RecDesk offers them again at the next start.</source>
        <translation>文件仍保留在 {0} 中；RecDesk 下次启动时会再次提示。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location line="-21"/>
        <source>Nothing to recover</source>
        <translation>没有可恢复的内容</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>“{0}” was stopped before anything was recorded: there is nothing to save.</source>
        <translation>“{0}”在录下任何内容之前就已停止：没有可保存的内容。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>RecDesk was closed as it began, before its first second was written; its empty file was removed.</source>
        <translation>RecDesk 在录制刚开始、第一秒尚未写入时被关闭；其空文件已删除。</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Recovering the recording</source>
        <translation>正在恢复录制文件</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>This reads the whole recording once; long recordings take a while.</source>
        <translation>此操作会完整读取一遍录制文件，较长的录制需要一些时间。</translation>
    </message>
</context>
<context>
    <name>RegionItem</name>
    <message>
        <location filename="../../ui/layout_editor/items.py" line="+90"/>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <location line="+92"/>
        <source>{name}: {width} x {height} at {x}, {y}</source>
        <translation>{name}：{width} x {height}，位于 {x}, {y}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
</context>
<context>
    <name>RoomBrowser</name>
    <message>
        <location filename="../../ui/rooms/browser.py" line="+133"/>
        <source>Search rooms…</source>
        <translation>搜索房间…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Search rooms</source>
        <translation>搜索房间</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Rooms</source>
        <translation>房间</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Clear the search</source>
        <translation>清除搜索</translation>
    </message>
    <message>
        <location line="+114"/>
        <source>No room matches “{0}”.</source>
        <translation>没有与“{0}”匹配的房间。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reading the rooms…</source>
        <translation>正在读取房间…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The rooms show here once the service answers.</source>
        <translation>服务响应后，房间将显示在这里。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This service has no rooms yet.</source>
        <translation>此服务还没有房间。</translation>
    </message>
</context>
<context>
    <name>RoomSummary</name>
    <message>
        <location filename="../../ui/rooms/model.py" line="+49"/>
        <source>live</source>
        <translation>直播中</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no one</source>
        <translation>无人</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n person(s)</source>
        <translation>
            <numerusform>%n 人</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>recording</source>
        <translation>录制中</translation>
    </message>
</context>
<context>
    <name>RoomView</name>
    <message>
        <location filename="../../ui/rooms/view.py" line="+131"/>
        <source>No room selected</source>
        <translation>未选择房间</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pick a room to see who is in it.</source>
        <translation>选择房间以查看其中的参与者。</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>No one is in this room right now.</source>
        <translation>此房间当前没有参与者。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>This room has closed.</source>
        <translation>此房间已关闭。</translation>
    </message>
</context>
<context>
    <name>SaveFlow</name>
    <message>
        <location filename="../../ui/local/save_dialogs.py" line="-243"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Keep for later</source>
        <translation>保留，稍后处理</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{0} audio ({1})</source>
        <translation>{0} 音频 ({1})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} video ({1})</source>
        <translation>{0} 视频 ({1})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Delete the recording (asks first)</source>
        <translation>删除这个录制（会先确认）</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>and</source>
        <translation>和</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>This recording has %n part(s); they are saved together as {first} {between} {last}.</source>
        <translation>
            <numerusform>此录制有 %n 个分段，它们将一起保存为 {first} {between} {last}。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+68"/>
        <source>“{0}” already exists.</source>
        <translation>“{0}”已存在。</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n of the files already exist, such as “{0}”.</source>
        <translation>
            <numerusform>其中 %n 个文件已存在，例如“{0}”。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Replace the file?</source>
        <translation>替换文件？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>In {0}. Replacing it overwrites what it holds now.</source>
        <translation>位于 {0}。替换会覆盖它现有的内容。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Replace</source>
        <translation>替换</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose another name</source>
        <translation>换个名称</translation>
    </message>
    <message>
        <location line="-123"/>
        <source>Discard…</source>
        <translation>丢弃…</translation>
    </message>
    <message numerus="yes">
        <location line="+132"/>
        <source>its %n file(s)</source>
        <translation>
            <numerusform>它的 %n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Discard the recording?</source>
        <translation>丢弃这个录制？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard the recording “{0}”?</source>
        <translation>丢弃录制“{0}”？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This deletes {0} ({1}); it cannot be undone.</source>
        <translation>这会删除{0}（{1}），且无法撤销。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Could not save the recording</source>
        <translation>无法保存录制</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing was lost: the recording is still in {0}.</source>
        <translation>没有丢失任何内容：录制仍在 {0} 中。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose another place…</source>
        <translation>选择其他位置…</translation>
    </message>
    <message>
        <location filename="../../ui/local/save_flow.py" line="+198"/>
        <source>Nothing was recorded.</source>
        <translation>未录制任何内容。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{0} is a file, not a folder.</source>
        <translation>{0} 是文件，不是文件夹。</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+61"/>
        <source>Cannot use the folder {0}: {1}</source>
        <translation>无法使用文件夹 {0}：{1}</translation>
    </message>
    <message>
        <location line="-45"/>
        <source>Keep for later puts it in {0} as “{1}”, listed with your local recordings.</source>
        <translation>选择“保留，稍后处理”会以“{1}”保留在 {0} 中，并列入本地录制列表。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save the recording “{0}”</source>
        <translation>保存录制文件“{0}”</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>RecDesk&apos;s working folder cannot hold saved recordings.</source>
        <translation>不能将录制文件保存到 RecDesk 的工作文件夹中。</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Discarded the recording “{0}”.</source>
        <translation>已丢弃录制文件“{0}”。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Saving the recording</source>
        <translation>正在保存录制文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copying “{0}” ({1}) to another disk…</source>
        <translation>正在将“{0}”（{1}）复制到另一个磁盘…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The copy was cancelled; nothing was moved.</source>
        <translation>复制已取消，未移动任何文件。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The recording could not be saved: {0}</source>
        <translation>无法保存录制文件：{0}</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Kept “{0}” as {1}</source>
        <translation>已将“{0}”保留为 {1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saved “{0}” as {1}</source>
        <translation>已将“{0}”保存为 {1}</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source> and %n more part(s)</source>
        <translation>
            <numerusform>及另外 %n 个分段</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServiceBanners</name>
    <message>
        <location filename="../../ui/status/banners.py" line="+20"/>
        <source>Room {0} is not being recorded automatically: {1}</source>
        <translation>房间 {0} 未能自动录制：{1}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It is tried again once the room has emptied and someone publishes; check the preset {0} in the service&apos;s config.</source>
        <translation>待房间清空后再有人发布流时会重试；请检查服务配置中的预设 {0}。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The service gave up a callback to {0} after {1} attempts: {2}</source>
        <translation>服务向 {0} 发送回调，尝试 {1} 次后已放弃：{2}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check that the receiver answers; the recording and its files are kept.</source>
        <translation>请检查接收端能否正常响应；录制任务及其文件均已保留。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The service&apos;s disk is full ({0} free, reserve {1}): its recordings were stopped and new ones are refused.</source>
        <translation>服务端磁盘已满（可用 {0}，预留 {1}）：其上的录制任务已停止，且不再接受新的录制。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Every file recorded so far is kept. Free some space on the service&apos;s disk, then start again.</source>
        <translation>已录制的文件均已保留。请清理服务端磁盘空间后重新开始。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The service&apos;s disk is nearly full: {0} free.</source>
        <translation>服务端磁盘即将用尽：剩余 {0}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recordings stop when less than {0} is free; free some space now.</source>
        <translation>可用空间低于 {0} 时录制将停止；请立即清理磁盘空间。</translation>
    </message>
</context>
<context>
    <name>ServiceErrors</name>
    <message>
        <location filename="../../ui/common/errors.py" line="+20"/>
        <source>The service could not read the request.</source>
        <translation>服务无法读取该请求。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The service refused the credentials.</source>
        <translation>服务拒绝了凭据。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The request&apos;s signature has expired.</source>
        <translation>请求的签名已过期。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The service saw this request before.</source>
        <translation>服务之前已收到过此请求。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The download link is not valid.</source>
        <translation>下载链接无效。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The download link has expired.</source>
        <translation>下载链接已过期。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A value was refused.</source>
        <translation>有一个值被拒绝。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The layout breaks one of its rules.</source>
        <translation>布局违反了它的某条规则。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The folder or name rule leads outside the recordings folder.</source>
        <translation>文件夹或命名规则指向了录制文件夹之外。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The name rule uses an unknown field.</source>
        <translation>命名规则使用了未知字段。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The format cannot hold this stream type.</source>
        <translation>该格式无法容纳此流类型。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The service has no storage of this name.</source>
        <translation>服务没有此名称的存储。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The service has no preset of this name.</source>
        <translation>服务没有此名称的预设。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A value is beyond the service&apos;s limits.</source>
        <translation>有一个值超出了服务的限制。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The layout names an image the service does not have.</source>
        <translation>布局引用了服务上没有的图片。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The file is not a PNG or JPEG image.</source>
        <translation>该文件不是 PNG 或 JPEG 图片。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The format cannot hold a stream&apos;s codec as it is.</source>
        <translation>该格式无法直接容纳某个流的编码。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The room is not on the service.</source>
        <translation>服务上没有这个房间。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The participant&apos;s stream is not in the room.</source>
        <translation>该参与者的流不在房间中。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The recording is not on the service.</source>
        <translation>服务上没有这个录制。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The file is not on the service.</source>
        <translation>服务上没有这个文件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The service does not know this request.</source>
        <translation>服务不认识这个请求。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The image is not on the service.</source>
        <translation>服务上没有这张图片。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The request is too large.</source>
        <translation>请求过大。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The image is too large.</source>
        <translation>图片过大。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The room is already being recorded this way.</source>
        <translation>该房间已在以此方式录制。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The recording has already stopped.</source>
        <translation>录制已经停止。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The recording cannot do this now.</source>
        <translation>录制当前无法执行此操作。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The service is busy.</source>
        <translation>服务繁忙。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The service failed.</source>
        <translation>服务出错。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The service is starting or stopping.</source>
        <translation>服务正在启动或停止。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The service cannot use its storage keys.</source>
        <translation>服务无法使用其存储密钥。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The recordings disk is almost full.</source>
        <translation>录制磁盘快满了。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No host of the service&apos;s cluster has room for this recording.</source>
        <translation>服务的集群中没有主机有空间容纳这个录制。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This is a fault of the app; please report it.</source>
        <translation>这是应用程序的错误，请报告此问题。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Check the AppID and secret of this service&apos;s profile (File → Connect to a service…).</source>
        <translation>请检查此服务配置中的 AppID 和密钥（文件 → 连接到服务…）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Set this computer&apos;s clock right: the service accepts signed requests within 10 minutes of its own time.</source>
        <translation>请校准本机时钟：服务只接受与其时间相差 10 分钟以内的签名请求。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Try again; if it keeps happening, report it.</source>
        <translation>请重试；如果反复出现，请报告。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+3"/>
        <source>Download the file again from the recording&apos;s file list.</source>
        <translation>请从录制的文件列表重新下载该文件。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Correct the field named in the message and try again.</source>
        <translation>请更正消息中指出的字段后重试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fix the layout (each problem is listed) or pick a template.</source>
        <translation>请修正布局（已列出每个问题）或选择一个模板。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use a folder and a name rule inside the recordings folder.</source>
        <translation>请使用录制文件夹之内的文件夹和命名规则。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use only {random} {date} {time} {roomid} {userid} {taskid} {part} in the name rule ({userid} only in single-stream recordings).</source>
        <translation>命名规则中只能使用 {random} {date} {time} {roomid} {userid} {taskid} {part}（{userid} 仅用于单流录制）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Pick a format that holds this stream type, or change the type.</source>
        <translation>请选择能容纳此流类型的格式，或更改类型。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pick one of the service&apos;s storage profiles, or none.</source>
        <translation>请选择服务的某个存储配置，或不选。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pick one of the service&apos;s presets, or none.</source>
        <translation>请选择服务的某个预设，或不选。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use a smaller value (the message names the limit).</source>
        <translation>请使用更小的值（消息中给出了限制）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+22"/>
        <source>Upload the image again, or pick another one.</source>
        <translation>请重新上传图片，或选择另一张。</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Pick a PNG or JPEG image.</source>
        <translation>请选择 PNG 或 JPEG 图片。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pick another format, or let the service re-encode.</source>
        <translation>请选择其他格式，或让服务重新编码。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The room has closed or was renamed; refresh the room list.</source>
        <translation>房间已关闭或已改名；请刷新房间列表。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That participant has left; refresh the room.</source>
        <translation>该参与者已离开；请刷新房间。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The recording is not on this service; refresh the task list.</source>
        <translation>此服务上没有该录制；请刷新任务列表。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The file was removed from the service.</source>
        <translation>该文件已从服务中删除。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The service may be older than the app; update the service.</source>
        <translation>服务可能比应用旧；请更新服务。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Send less at once; if it keeps happening, report it.</source>
        <translation>请一次发送更少的内容；如果反复出现，请报告。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pick a smaller image.</source>
        <translation>请选择更小的图片。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop the room&apos;s current recording first, or record in the other mode.</source>
        <translation>请先停止该房间当前的录制，或以另一种模式录制。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nothing to do: the recording has already stopped.</source>
        <translation>无需操作：录制已经停止。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wait for the recording to reach a state that allows this.</source>
        <translation>请等待录制进入允许此操作的状态。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close some previews and try again in a moment.</source>
        <translation>请关闭一些预览，稍后再试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+34"/>
        <source>Try again; if it keeps failing, look at the service&apos;s log.</source>
        <translation>请重试；如果一直失败，请查看服务的日志。</translation>
    </message>
    <message>
        <location line="-31"/>
        <source>Try again in a moment.</source>
        <translation>请稍后再试。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The service&apos;s administrator must set its secret key.</source>
        <translation>服务管理员需要设置其密钥。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Free some space on the service&apos;s disk, then try again.</source>
        <translation>请在服务的磁盘上释放一些空间，然后重试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stop a recording or add a host to the cluster, then try again.</source>
        <translation>停止一个录制或为集群添加主机，然后重试。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The recording service cannot be reached ({0}).</source>
        <translation>无法连接到录制服务（{0}）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>RecDesk keeps trying to reconnect; check that the service runs and the network is up.</source>
        <translation>RecDesk 会不断尝试重新连接；请检查服务是否在运行、网络是否正常。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>(The service says: {0})</source>
        <translation>（服务返回：{0}）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Correct what the message names and try again.</source>
        <translation>请更正消息中指出的问题后重试。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Something unexpected failed: {0}.</source>
        <translation>发生意外错误：{0}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Please report it, with the app&apos;s log.</source>
        <translation>请附上应用日志报告此问题。</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../ui/help/shortcuts.py" line="+58"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
</context>
<context>
    <name>SourceVoices</name>
    <message>
        <location filename="../../ui/local/voices.py" line="+49"/>
        <source>{0} level</source>
        <translation>{0} 电平</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Mute {0}</source>
        <translation>将 {0} 静音</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{0} is muted: it is left out of the recording. Click to hear it again.</source>
        <translation>{0} 已静音：其声音不会录入。点击可取消静音。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Mute {0}: leave it out of the recording until unmuted.</source>
        <translation>将 {0} 静音：取消静音前不录入其声音。</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Nothing is heard from {0}</source>
        <translation>未检测到 {0} 的声音</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Speakers</source>
        <translation>扬声器</translation>
    </message>
</context>
<context>
    <name>StaleMark</name>
    <message>
        <location filename="../../ui/connection/stale.py" line="+26"/>
        <source>The service does not answer: this is what it said last. RecDesk reconnects by itself and brings everything up to date.</source>
        <translation>服务没有响应：这里显示的是它最后一次提供的信息。RecDesk 会自动重新连接并更新所有内容。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Not up to date since {0}</source>
        <translation>自 {0} 起未更新</translation>
    </message>
</context>
<context>
    <name>StartNotice</name>
    <message>
        <location filename="../../ui/recordings/live/notice.py" line="+41"/>
        <source>No one is in this room: waiting for someone to publish ({0})…</source>
        <translation>此房间没有参与者：正在等待有人发布流（{0}）…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Waiting for the first media ({0})…</source>
        <translation>正在等待首个媒体数据（{0}）…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No one is in this room right now. You can still start: the recording waits for someone to publish.</source>
        <translation>此房间当前没有参与者。仍可开始录制：录制会等待有人发布流。</translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message>
        <location filename="../../ui/status/line.py" line="+40"/>
        <source>built-in service</source>
        <translation>内置服务</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Connecting to {0}…</source>
        <translation>正在连接 {0}…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connected to {0}</source>
        <translation>已连接到 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refused by {0}</source>
        <translation>被 {0} 拒绝</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Service lost ({0}) — reconnecting…</source>
        <translation>与服务的连接中断（{0}）— 正在重新连接…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disconnected from {0}</source>
        <translation>已断开与 {0} 的连接</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{0} free</source>
        <translation>可用 {0}</translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>Cluster: %n host(s), {0} of {1} CPUs free</source>
        <translation>
            <numerusform>集群：%n 台主机，{1} 个 CPU 中 {0} 个空闲</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>%n recording(s), {0} of {1} CPUs free</source>
        <translation>
            <numerusform>%n 个录制，{1} 个 CPU 中 {0} 个空闲</numerusform>
        </translation>
    </message>
    <message>
        <location line="-6"/>
        <source>{0} lost</source>
        <translation>{0} 台失联</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Workers run on the Ray cluster at {0}</source>
        <translation>录制进程运行在 Ray 集群 {0} 上</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>lost</source>
        <translation>已失联</translation>
    </message>
</context>
<context>
    <name>StreamCard</name>
    <message>
        <location filename="../../ui/rooms/stream_card.py" line="+124"/>
        <source>since {time}</source>
        <translation>{time} 起</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{fps} fps</source>
        <translation>{fps} fps</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{khz} kHz</source>
        <translation>{khz} kHz</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>mono</source>
        <translation>单声道</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stereo</source>
        <translation>立体声</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n channels</source>
        <translation>
            <numerusform>%n 声道</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StreamTile</name>
    <message>
        <location filename="../../ui/recordings/live/tiles.py" line="+48"/>
        <source>sound only</source>
        <translation>仅声音</translation>
    </message>
</context>
<context>
    <name>TaskFormat</name>
    <message>
        <location filename="../../ui/common/formats.py" line="+8"/>
        <source>starting</source>
        <translation>正在启动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>recording</source>
        <translation>录制中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopping</source>
        <translation>正在停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+24"/>
        <source>uploading</source>
        <translation>正在上传</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>uploading {percent}%</source>
        <translation>正在上传 {percent}%</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>uploaded</source>
        <translation>已上传</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed, trying again</source>
        <translation>失败，正在重试</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>{n} B</source>
        <translation>{n} B</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>kB</source>
        <translation>kB</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>MB</source>
        <translation>MB</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GB</source>
        <translation>GB</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>TB</source>
        <translation>TB</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../ui/status/tray.py" line="+87"/>
        <source>Show RecDesk</source>
        <translation>显示 RecDesk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Start recording (select a room first)</source>
        <translation>开始录制（请先选择房间）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause recording</source>
        <translation>暂停录制</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop recording</source>
        <translation>停止录制</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start recording {0}</source>
        <translation>开始录制 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resume recording {0}</source>
        <translation>继续录制 {0}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pause recording {0}</source>
        <translation>暂停录制 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop recording {0}</source>
        <translation>停止录制 {0}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>RecDesk — {0}</source>
        <translation>RecDesk — {0}</translation>
    </message>
</context>
</TS>
