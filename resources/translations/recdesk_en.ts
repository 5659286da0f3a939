<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>CloseQuestion</name>
    <message numerus="yes">
        <source>Recordings running on the built-in service: %n.</source>
        <translation>
            <numerusform>Recordings running on the built-in service: %n.</numerusform>
            <numerusform>Recordings running on the built-in service: %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Recordings running on the recording service: %n. Quitting RecDesk does not stop them: they go on recording on the service.</source>
        <translation>
            <numerusform>Recordings running on the recording service: %n. Quitting RecDesk does not stop them: they go on recording on the service.</numerusform>
            <numerusform>Recordings running on the recording service: %n. Quitting RecDesk does not stop them: they go on recording on the service.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FilePanel</name>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message numerus="yes">
        <source>{0} + %n more part(s)</source>
        <translation>
            <numerusform>{0} + %n more part</numerusform>
            <numerusform>{0} + %n more parts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LiveView</name>
    <message numerus="yes">
        <source>%n upload(s) failing, tried again: {0}</source>
        <translation>
            <numerusform>%n upload failing, tried again: {0}</numerusform>
            <numerusform>%n uploads failing, tried again: {0}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RecordingCount</name>
    <message numerus="yes">
        <source>%n recording(s) here</source>
        <translation>
            <numerusform>%n recording here</numerusform>
            <numerusform>%n recordings here</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n paused here</source>
        <translation>
            <numerusform>%n paused here</numerusform>
            <numerusform>%n paused here</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n recording(s) on the service</source>
        <translation>
            <numerusform>%n recording on the service</numerusform>
            <numerusform>%n recordings on the service</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n paused on the service</source>
        <translation>
            <numerusform>%n paused on the service</numerusform>
            <numerusform>%n paused on the service</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RecordingList</name>
    <message numerus="yes">
        <source>{shown} of %n recording(s)</source>
        <translation>
            <numerusform>{shown} of %n recording</numerusform>
            <numerusform>{shown} of %n recordings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n recording(s)</source>
        <translation>
            <numerusform>%n recording</numerusform>
            <numerusform>%n recordings</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RoomSummary</name>
    <message numerus="yes">
        <source>%n person(s)</source>
        <translation>
            <numerusform>%n person</numerusform>
            <numerusform>%n people</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SaveFlow</name>
    <message numerus="yes">
        <source> and %n more part(s)</source>
        <translation>
            <numerusform> and %n more part</numerusform>
            <numerusform> and %n more parts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>This recording has %n part(s); they are saved together as {first} {between} {last}.</source>
        <translation>
            <numerusform>This recording has %n part; they are saved together as {first} {between} {last}.</numerusform>
            <numerusform>This recording has %n parts; they are saved together as {first} {between} {last}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of the files already exist, such as “{0}”.</source>
        <translation>
            <numerusform>%n of the files already exist, such as “{0}”.</numerusform>
            <numerusform>%n of the files already exist, such as “{0}”.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>its %n file(s)</source>
        <translation>
            <numerusform>its file</numerusform>
            <numerusform>its %n files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message numerus="yes">
        <source>Cluster: %n host(s), {0} of {1} CPUs free</source>
        <translation>
            <numerusform>Cluster: %n host, {0} of {1} CPUs free</numerusform>
            <numerusform>Cluster: %n hosts, {0} of {1} CPUs free</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n recording(s), {0} of {1} CPUs free</source>
        <translation>
            <numerusform>%n recording, {0} of {1} CPUs free</numerusform>
            <numerusform>%n recordings, {0} of {1} CPUs free</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StreamCard</name>
    <message numerus="yes">
        <source>%n channels</source>
        <translation>
            <numerusform>%n channel</numerusform>
            <numerusform>%n channels</numerusform>
        </translation>
    </message>
</context>
</TS>
