"""The images the simulated registry serves, described like the real ones on Docker Hub.

Metadata (Cmd, Entrypoint, Env, WorkingDir, StopSignal, ExposedPorts, Labels, sizes, top-level
directories, /etc/os-release) follows the official images as published around the dates in `created`.
IDs, digests and layer IDs are fixed, made-up but well-formed values (hello-world's are the real ones of
its 2023 build). `spark-base:3.0.3` is a custom image built by a reader of a Spark-on-Docker tutorial.

Imported at the end of `webapp.engine.images`; importing that module registers everything here.
"""

from __future__ import annotations

from webapp.engine.images import UBUNTU_PATH, Image, Program, register

# --------------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------------

SHELL = Program("shell")
APPLET = Program("applet")

#: The utilities the lessons touch. Each image lists those it really has, at its canonical path.
COMMON_APPLETS = ("sleep", "echo", "ls", "cat", "env", "hostname", "whoami", "pwd", "true", "false",
                  "head", "tail", "wc", "grep", "sort", "mkdir", "touch", "uname", "date", "id",
                  "printenv")


def _programs(paths: dict[str, str], *, shells: dict[str, str]) -> dict[str, Program]:
    """Applets and shells: {name: directory} -> {"/dir/name": Program}."""
    out: dict[str, Program] = {}
    for name, folder in shells.items():
        out[f"{folder}/{name}"] = SHELL
    for name, folder in paths.items():
        out[f"{folder}/{name}"] = APPLET
    return out


def _usr_merged(names: tuple[str, ...] = COMMON_APPLETS, *, bash: bool = True) -> dict[str, Program]:
    """Merged-/usr distributions (Ubuntu >= 20.04, Debian >= 12, Oracle Linux 7): all in /usr/bin."""
    shells = {"sh": "/usr/bin"}
    if bash:
        shells["bash"] = "/usr/bin"
    return _programs({n: "/usr/bin" for n in names}, shells=shells)


MERGED_USR_LINKS = {"/bin": "usr/bin", "/sbin": "usr/sbin", "/lib": "usr/lib", "/lib64": "usr/lib64"}

DEBIAN_DIRS = (
    "/boot", "/dev", "/etc", "/home", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/srv",
    "/sys", "/tmp", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/local",
    "/usr/local/bin", "/usr/local/sbin", "/usr/share", "/var", "/var/log", "/var/tmp",
)

DEBIAN_PASSWD = """\
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
"""

DEBIAN_GROUP = """\
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
news:x:9:
uucp:x:10:
man:x:12:
proxy:x:13:
kmem:x:15:
dialout:x:20:
cdrom:x:24:
sudo:x:27:
audio:x:29:
www-data:x:33:
backup:x:34:
operator:x:37:
list:x:38:
irc:x:39:
src:x:40:
shadow:x:42:
utmp:x:43:
video:x:44:
sasl:x:45:
plugdev:x:46:
staff:x:50:
games:x:60:
users:x:100:
nogroup:x:65534:
"""

UBUNTU_PASSWD = DEBIAN_PASSWD.replace(
    "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n",
    "gnats:x:41:41:Gnats Bug-Reporting System (admin):/var/lib/gnats:/usr/sbin/nologin\n"
    "_apt:x:100:65534::/nonexistent:/usr/sbin/nologin\n",
)
UBUNTU_2404_PASSWD = UBUNTU_PASSWD + "ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash\n"
UBUNTU_2404_GROUP = DEBIAN_GROUP + "ubuntu:x:1000:\n"

# --------------------------------------------------------------------------------------------------
# Ubuntu
# --------------------------------------------------------------------------------------------------

UBUNTU_DIRS = (
    "/boot", "/dev", "/etc", "/home", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/srv",
    "/sys", "/tmp", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/local",
    "/usr/local/bin", "/usr/local/sbin", "/usr/share", "/var", "/var/log", "/var/tmp",
)

UBUNTU_2004_OS_RELEASE = """\
NAME="Ubuntu"
VERSION="20.04.6 LTS (Focal Fossa)"
ID=ubuntu
ID_LIKE=debian
PRETTY_NAME="Ubuntu 20.04.6 LTS"
VERSION_ID="20.04"
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
VERSION_CODENAME=focal
UBUNTU_CODENAME=focal
"""

UBUNTU_2204_OS_RELEASE = """\
PRETTY_NAME="Ubuntu 22.04.5 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.5 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
"""

UBUNTU_2404_OS_RELEASE = """\
PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
"""


def _lsb(release: str, codename: str, description: str) -> str:
    return (
        f"DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE={release}\nDISTRIB_CODENAME={codename}\n"
        f'DISTRIB_DESCRIPTION="{description}"\n'
    )


register(Image(
    repository="ubuntu", tag="20.04",
    id="sha256:f3525146c05c2a5ba40a998b14139269fd36e459f53436baef94a54c6cf0af26",
    digest="sha256:9d3482951a9a1f7a2e8a459b339ab915236a52c147880c422b711b6f06400fe8",
    created="2024-10-11T03:57:05.128431284Z",
    size=72_811_341,
    layers=("323e24dd5c73",),
    cmd=("/bin/bash",),
    env=(UBUNTU_PATH,),
    labels={"org.opencontainers.image.ref.name": "ubuntu",
            "org.opencontainers.image.version": "20.04"},
    os_release=UBUNTU_2004_OS_RELEASE,
    dirs=UBUNTU_DIRS + ("/usr/lib32", "/usr/libx32"),
    symlinks=MERGED_USR_LINKS | {"/lib32": "usr/lib32", "/libx32": "usr/libx32"},
    files={
        "/etc/lsb-release": _lsb("20.04", "focal", "Ubuntu 20.04.6 LTS"),
        "/etc/passwd": UBUNTU_PASSWD,
        "/etc/group": DEBIAN_GROUP,
        "/etc/hostname": "",
    },
    executables=_usr_merged(),
    shell_name="bash",
))

register(Image(
    repository="ubuntu", tag="22.04",
    id="sha256:df205b0e4bf3d79755edbcdfb711ff10f3e98179587e385081b795517e2b8065",
    digest="sha256:57b6764c078ebd59009fb2f6bf4f2aa0fee515a33da33db5c99df485392fea96",
    created="2024-10-11T03:52:09.458307912Z",
    size=77_862_174,
    layers=("a8d853c59287",),
    cmd=("/bin/bash",),
    env=(UBUNTU_PATH,),
    labels={"org.opencontainers.image.ref.name": "ubuntu",
            "org.opencontainers.image.version": "22.04"},
    os_release=UBUNTU_2204_OS_RELEASE,
    dirs=UBUNTU_DIRS + ("/usr/lib32", "/usr/libx32"),
    symlinks=MERGED_USR_LINKS | {"/lib32": "usr/lib32", "/libx32": "usr/libx32"},
    files={
        "/etc/lsb-release": _lsb("22.04", "jammy", "Ubuntu 22.04.5 LTS"),
        "/etc/passwd": UBUNTU_PASSWD,
        "/etc/group": DEBIAN_GROUP,
        "/etc/hostname": "",
    },
    executables=_usr_merged(),
    shell_name="bash",
))

register(Image(
    repository="ubuntu", tag="latest",  # 24.04 (noble)
    id="sha256:98484e7dcea25bc65c1bf161a97be6c22b180ef66330431ed99f70c562265f83",
    digest="sha256:027d4e6606831dde83a7ad5624f39006c700eebc5ab09259f995b2a179aae1e8",
    created="2024-10-11T03:54:35.742818326Z",
    size=78_118_027,
    layers=("88a2d7ada2c7",),
    cmd=("/bin/bash",),
    env=(UBUNTU_PATH,),
    labels={"org.opencontainers.image.ref.name": "ubuntu",
            "org.opencontainers.image.version": "24.04"},
    os_release=UBUNTU_2404_OS_RELEASE,
    # noble keeps the usrmerge transition's marker directories at the top level
    dirs=UBUNTU_DIRS + ("/bin.usr-is-merged", "/lib.usr-is-merged", "/sbin.usr-is-merged",
                        "/home/ubuntu"),
    symlinks=dict(MERGED_USR_LINKS),
    files={
        "/etc/lsb-release": _lsb("24.04", "noble", "Ubuntu 24.04.1 LTS"),
        "/etc/passwd": UBUNTU_2404_PASSWD,
        "/etc/group": UBUNTU_2404_GROUP,
        "/etc/hostname": "",
    },
    executables=_usr_merged(),
    shell_name="bash",
))

# --------------------------------------------------------------------------------------------------
# Alpine and BusyBox (busybox applets; `sh` is ash)
# --------------------------------------------------------------------------------------------------

ALPINE_OS_RELEASE = """\
NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.20.3
PRETTY_NAME="Alpine Linux v3.20"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
"""

ALPINE_PASSWD = """\
root:x:0:0:root:/root:/bin/sh
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/mail:/sbin/nologin
news:x:9:13:news:/usr/lib/news:/sbin/nologin
uucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin
cron:x:16:16:cron:/var/spool/cron:/sbin/nologin
ftp:x:21:21::/var/lib/ftp:/sbin/nologin
sshd:x:22:22:sshd:/dev/null:/sbin/nologin
games:x:35:35:games:/usr/games:/sbin/nologin
ntp:x:123:123:NTP:/var/empty:/sbin/nologin
guest:x:405:100:guest:/dev/null:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
"""

ALPINE_GROUP = """\
root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
sys:x:3:root,bin
adm:x:4:root,daemon
tty:x:5:
disk:x:6:root
lp:x:7:lp
kmem:x:9:
wheel:x:10:root
floppy:x:11:root
mail:x:12:mail
news:x:13:news
uucp:x:14:uucp
cron:x:16:cron
audio:x:18:
cdrom:x:19:
dialout:x:20:root
ftp:x:21:
sshd:x:22:
input:x:23:
tape:x:26:root
video:x:27:root
netdev:x:28:
kvm:x:34:kvm
games:x:35:
shadow:x:42:
www-data:x:82:
users:x:100:games
ntp:x:123:
abuild:x:300:
utmp:x:406:
ping:x:999:
nogroup:x:65533:
nobody:x:65534:
"""

register(Image(
    repository="alpine", tag="latest",  # 3.20.3
    id="sha256:28893d02d0c152858c723231c72234946cb38dad6b828a543e5a03c74a956f4e",
    digest="sha256:f8db570b0f0208077e398dd3a19cc106236028ac38c19f2d205e9c86979cafae",
    created="2024-09-06T22:20:07.972381771Z",
    size=7_797_760,
    layers=("1a9abe10e74e",),
    cmd=("/bin/sh",),
    env=(UBUNTU_PATH,),
    os_release=ALPINE_OS_RELEASE,
    dirs=(
        "/bin", "/dev", "/etc", "/home", "/lib", "/media", "/mnt", "/opt", "/proc", "/root", "/run",
        "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/local",
        "/usr/local/bin", "/usr/share", "/var", "/var/log", "/var/tmp",
    ),
    files={
        "/etc/alpine-release": "3.20.3\n",
        "/etc/passwd": ALPINE_PASSWD,
        "/etc/group": ALPINE_GROUP,
        "/etc/hostname": "localhost\n",
    },
    executables=_programs(
        {"sleep": "/bin", "echo": "/bin", "ls": "/bin", "cat": "/bin", "env": "/usr/bin",
         "hostname": "/bin", "ps": "/bin", "whoami": "/usr/bin", "pwd": "/bin", "true": "/bin",
         "false": "/bin", "head": "/usr/bin", "tail": "/usr/bin", "wc": "/usr/bin", "grep": "/bin",
         "sort": "/usr/bin", "mkdir": "/bin", "touch": "/bin", "uname": "/bin", "date": "/bin",
         "id": "/usr/bin", "printenv": "/usr/bin"},
        shells={"sh": "/bin"},
    ),
    shell_name="sh",
))

BUSYBOX_PASSWD = """\
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
"""

BUSYBOX_GROUP = """\
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
"""

register(Image(
    repository="busybox", tag="latest",  # 1.37.0 (glibc); busybox has no /etc/os-release
    id="sha256:61ed4cf5eb9926b8fa06ab95bdef457e79f9defc26a64a5231488a38b3f71cf4",
    digest="sha256:5f69232da066ba4cf8ec6a69ac12e96485ea036be5d31066a3b2d43051d80481",
    created="2024-09-26T21:31:42.389315402Z",
    size=4_269_056,
    layers=("82b161090b4b",),
    cmd=("sh",),
    env=(UBUNTU_PATH,),
    os_release="",
    dirs=("/bin", "/dev", "/etc", "/home", "/lib", "/lib64", "/root", "/tmp", "/usr", "/usr/sbin",
          "/var", "/var/spool", "/var/spool/mail", "/var/www"),
    files={"/etc/passwd": BUSYBOX_PASSWD, "/etc/group": BUSYBOX_GROUP},
    executables=_programs(
        {n: "/bin" for n in COMMON_APPLETS + ("ps",)},
        shells={"sh": "/bin"},
    ),
    shell_name="sh",
))

# --------------------------------------------------------------------------------------------------
# hello-world: one static binary, nothing else (no shell, no /bin)
# --------------------------------------------------------------------------------------------------

HELLO_TEXT = (
    "",
    "Hello from Docker!",
    "This message shows that your installation appears to be working correctly.",
    "",
    "To generate this message, Docker took the following steps:",
    " 1. The Docker client contacted the Docker daemon.",
    ' 2. The Docker daemon pulled the "hello-world" image from the Docker Hub.',
    "    (amd64)",
    " 3. The Docker daemon created a new container from that image which runs the",
    "    executable that produces the output you are currently reading.",
    " 4. The Docker daemon streamed that output to the Docker client, which sent it",
    "    to your terminal.",
    "",
    "To try something more ambitious, you can run an Ubuntu container with:",
    " $ docker run -it ubuntu bash",
    "",
    "Share images, automate workflows, and more with a free Docker ID:",
    " https://hub.docker.com/",
    "",
    "For more examples and ideas, visit:",
    " https://docs.docker.com/get-started/",
    "",
)

register(Image(
    repository="hello-world", tag="latest",
    id="sha256:d2c94e258dcb3c5ac2798d32e1249e42ef01cba4841c2234249495f87264ac5a",
    digest="sha256:2498fce14358aa50ead0cc6c19990fc6ff866ce72aeb5546e1d59caac3d0d60f",
    created="2023-05-02T16:49:27.18128523Z",
    size=13_256,
    layers=("c1ec31eb5944",),
    cmd=("/hello",),
    env=(UBUNTU_PATH,),
    executables={"/hello": Program("message", stdout=HELLO_TEXT)},
    shell_name="sh",
))

# --------------------------------------------------------------------------------------------------
# Debian-based servers
# --------------------------------------------------------------------------------------------------

DEBIAN_12_OS_RELEASE = """\
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
"""

DEBIAN_10_OS_RELEASE = """\
PRETTY_NAME="Debian GNU/Linux 10 (buster)"
NAME="Debian GNU/Linux"
VERSION_ID="10"
VERSION="10 (buster)"
VERSION_CODENAME=buster
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
"""

DEBIAN_FILES = {
    "/etc/debian_version": "12.8\n",
    "/etc/passwd": DEBIAN_PASSWD,
    "/etc/group": DEBIAN_GROUP,
}

# ---- httpd ---------------------------------------------------------------------------------------

HTTPD_TIME = "{now:%a %b %d %H:%M:%S.%f %Y}"
HTTPD_TID = "tid 140245263673216"
HTTPD_FQDN = (
    "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, "
    "using {ip}. Set the 'ServerName' directive globally to suppress this message"
)

HTTPD_FOREGROUND = Program(
    "server",
    stderr=(
        HTTPD_FQDN,
        HTTPD_FQDN,
        (f"[{HTTPD_TIME}] [mpm_event:notice] [pid {{pid}}:{HTTPD_TID}] AH00489: Apache/2.4.62 (Unix) "
        "configured -- resuming normal operations"),
        (f"[{HTTPD_TIME}] [core:notice] [pid {{pid}}:{HTTPD_TID}] AH00094: Command line: "
        "'httpd -D FOREGROUND'"),
    ),
    graceful=("SIGWINCH",),
    graceful_exit=0,
    shutdown=(
        (f"[{HTTPD_TIME}] [mpm_event:notice] [pid {{pid}}:{HTTPD_TID}] AH00492: caught SIGWINCH, "
        "shutting down gracefully"),
    ),
    shutdown_stream="stderr",
)

register(Image(
    repository="httpd", tag="latest",  # 2.4.62 on Debian 12
    id="sha256:f82564643e7bcabe2ae796c35856e672df7ae79d2007f4f53a9a6dcb0384fa90",
    digest="sha256:2dd2d1a55e5a3bbb3a1780be3ec058a98aec36cfa4c4532a3235bedf6d4481d0",
    created="2024-11-12T01:38:14.861637154Z",
    size=147_910_428,
    layers=("1cc70f03a366", "a5e6d1f55751", "22c44900360e", "bcd2d665bc5f", "1de703126681",
            "645ecb4680e7"),
    cmd=("httpd-foreground",),
    env=(
        "PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HTTPD_PREFIX=/usr/local/apache2",
        "HTTPD_VERSION=2.4.62",
        "HTTPD_SHA256=674188e7bf44ced82da8db522da946849e22080d73d16c93f7f4df89e25729ec",
        "HTTPD_PATCHES=",
    ),
    workdir="/usr/local/apache2",
    stop_signal="SIGWINCH",
    exposed_ports=("80/tcp",),
    os_release=DEBIAN_12_OS_RELEASE,
    dirs=DEBIAN_DIRS + (
        "/usr/local/apache2", "/usr/local/apache2/bin", "/usr/local/apache2/conf",
        "/usr/local/apache2/logs", "/usr/local/apache2/modules", "/usr/local/apache2/cgi-bin",
    ),
    symlinks=dict(MERGED_USR_LINKS),
    files=DEBIAN_FILES | {
        "/usr/local/apache2/htdocs/index.html": "<html><body><h1>It works!</h1></body></html>\n",
    },
    executables=_usr_merged() | {"/usr/local/bin/httpd-foreground": HTTPD_FOREGROUND},
    shell_name="bash",
))

# ---- nginx ---------------------------------------------------------------------------------------

NGINX_TIME = "{now:%Y/%m/%d %H:%M:%S}"

NGINX_ENTRYPOINT = Program(
    "entrypoint",
    triggers=("nginx", "nginx-debug"),
    stdout=(
        ("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
        "configuration"),
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        ("10-listen-on-ipv6-by-default.sh: info: Getting the checksum of "
        "/etc/nginx/conf.d/default.conf"),
        ("10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in "
        "/etc/nginx/conf.d/default.conf"),
        "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
    ),
)

NGINX_SERVER = Program(
    "server",
    stderr=(
        f'{NGINX_TIME} [notice] {{pid}}#{{pid}}: using the "epoll" event method',
        f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: nginx/1.27.3",
        f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: built by gcc 12.2.0 (Debian 12.2.0-14) ",
        f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: OS: Linux 6.8.0-49-generic",
        f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
        f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: start worker processes",
        f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: start worker process 29",
        f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: start worker process 30",
    ),
    graceful=("SIGQUIT", "SIGTERM"),
    graceful_exit=0,
    shutdown=(
        (f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: signal {{signum}} ({{signal}}) received, "
        "shutting down"),
        f"{NGINX_TIME} [notice] 29#29: gracefully shutting down",
        f"{NGINX_TIME} [notice] 30#30: gracefully shutting down",
        f"{NGINX_TIME} [notice] 29#29: exiting",
        f"{NGINX_TIME} [notice] 30#30: exiting",
        f"{NGINX_TIME} [notice] 29#29: exit",
        f"{NGINX_TIME} [notice] 30#30: exit",
        f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: signal 17 (SIGCHLD) received from 29",
        f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: worker process 29 exited with code 0",
        f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: worker process 30 exited with code 0",
        f"{NGINX_TIME} [notice] {{pid}}#{{pid}}: exit",
    ),
    shutdown_stream="stderr",
)

NGINX_INDEX = """\
<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""

NGINX_DEFAULT_CONF = """\
server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
"""

register(Image(
    repository="nginx", tag="latest",  # 1.27.3 on Debian 12
    id="sha256:3e27861a6125ff096d30763821db016922a6f7bd28715a8268bb68f821c21ac5",
    digest="sha256:d824a8ea09f061a3bf0a84a23daa84dbf39ba331f89d8fc3719fe15003d1316e",
    created="2024-11-26T18:42:08.329436573Z",
    size=191_670_156,
    layers=("5d152794ea40", "8c95adffae5b", "9caff25d8715", "03ed14177f77", "905c90fa5213",
            "595d59c3be77", "f4e12955c4bc"),
    entrypoint=("/docker-entrypoint.sh",),
    cmd=("nginx", "-g", "daemon off;"),
    env=(
        UBUNTU_PATH,
        "NGINX_VERSION=1.27.3",
        "NJS_VERSION=0.8.7",
        "NJS_RELEASE=1~bookworm",
        "PKG_RELEASE=1~bookworm",
        "DYNPKG_RELEASE=1~bookworm",
    ),
    stop_signal="SIGQUIT",
    exposed_ports=("80/tcp",),
    labels={"maintainer": "NGINX Docker Maintainers <docker-maint@nginx.com>"},
    os_release=DEBIAN_12_OS_RELEASE,
    dirs=DEBIAN_DIRS + (
        "/docker-entrypoint.d", "/etc/nginx", "/etc/nginx/conf.d", "/var/cache/nginx",
        "/var/log/nginx",
    ),
    symlinks=dict(MERGED_USR_LINKS),
    files=DEBIAN_FILES | {
        "/usr/share/nginx/html/index.html": NGINX_INDEX,
        "/etc/nginx/conf.d/default.conf": NGINX_DEFAULT_CONF,
    },
    executables=_usr_merged() | {
        "/docker-entrypoint.sh": NGINX_ENTRYPOINT,
        "/usr/sbin/nginx": NGINX_SERVER,
        "/usr/sbin/nginx-debug": NGINX_SERVER,
    },
    shell_name="bash",
))

# ---- redis ---------------------------------------------------------------------------------------

REDIS_TIME = "{now:%d %b %Y %H:%M:%S.%L}"

REDIS_SERVER = Program(
    "server",
    stdout=(
        (f"{{pid}}:C {REDIS_TIME} # WARNING Memory overcommit must be enabled! Without it, a "
        "background save or replication may fail under low memory condition. Being disabled, it "
        "can also cause failures without low memory condition, see "
        "https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add "
        "'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command "
        "'sysctl vm.overcommit_memory=1' for this to take effect."),
        f"{{pid}}:C {REDIS_TIME} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
        (f"{{pid}}:C {REDIS_TIME} * Redis version=7.4.1, bits=64, commit=00000000, modified=0, "
        "pid={pid}, just started"),
        (f"{{pid}}:C {REDIS_TIME} # Warning: no config file specified, using the default config. "
        "In order to specify a config file use redis-server /path/to/redis.conf"),
        f"{{pid}}:M {REDIS_TIME} * monotonic clock: POSIX clock_gettime",
        f"{{pid}}:M {REDIS_TIME} * Running mode=standalone, port=6379.",
        f"{{pid}}:M {REDIS_TIME} * Server initialized",
        f"{{pid}}:M {REDIS_TIME} * Ready to accept connections tcp",
    ),
    graceful=("SIGTERM", "SIGINT"),
    graceful_exit=0,
    shutdown=(
        "{pid}:signal-handler ({now:%s}) Received {signal} scheduling shutdown...",
        f"{{pid}}:M {REDIS_TIME} * User requested shutdown...",
        f"{{pid}}:M {REDIS_TIME} * Saving the final RDB snapshot before exiting.",
        f"{{pid}}:M {REDIS_TIME} * DB saved on disk",
        f"{{pid}}:M {REDIS_TIME} # Redis is now ready to exit, bye bye...",
    ),
    shutdown_stream="stdout",
)

register(Image(
    repository="redis", tag="latest",  # 7.4.1 on Debian 12
    id="sha256:fef8b608754b36efe42c3642986a958fd85110e833b17247c655df2648baddde",
    digest="sha256:6f62920128df69a6edf1d8a787e9c91b48079db2630f88aeb1167d487f99216e",
    created="2024-10-03T01:21:47.415830195Z",
    size=117_410_872,
    layers=("c76a80123b2e", "fc40aa7ba402", "b0f808bed0f5", "8fa99f321bac", "522132e1ee5d",
            "2dc86046b199", "5458bab1e9cf", "7acaeaf730a4"),
    entrypoint=("docker-entrypoint.sh",),
    cmd=("redis-server",),
    env=(
        UBUNTU_PATH,
        "GOSU_VERSION=1.17",
        "REDIS_DOWNLOAD_URL=http://download.redis.io/releases/redis-7.4.1.tar.gz",
        "REDIS_DOWNLOAD_SHA=bc34b878eb89421bbfca6fa78752343bf37af312a09eb0fae47c9575977dfaa2",
    ),
    workdir="/data",
    exposed_ports=("6379/tcp",),
    os_release=DEBIAN_12_OS_RELEASE,
    dirs=DEBIAN_DIRS + ("/data",),
    symlinks=dict(MERGED_USR_LINKS),
    files=DEBIAN_FILES,
    executables=_usr_merged() | {
        "/usr/local/bin/docker-entrypoint.sh": Program("entrypoint", triggers=("redis-server",)),
        "/usr/local/bin/redis-server": REDIS_SERVER,
    },
    shell_name="bash",
))

# ---- node ----------------------------------------------------------------------------------------

register(Image(
    repository="node", tag="latest",  # 23.3.0 on Debian 12 (buildpack-deps: full userland)
    id="sha256:6d8637d8ae8763a069733aead3c2cb7720e36ac0e8cf898e3771f47a14b797de",
    digest="sha256:ff641b9862d73121cb0cb209baa9843a9c987a5c6bd4420175aa7d8270dffd7f",
    created="2024-11-20T21:12:40.518472951Z",
    size=1_118_760_493,
    layers=("a596c76f3f68", "4c127df55fa6", "c33bb4b8468d", "0a582000fe79", "709fca76326f",
            "5d1242045ae5", "7bccd8b9d7bd", "40998e5f2b2c"),
    entrypoint=("docker-entrypoint.sh",),
    cmd=("node",),
    env=(UBUNTU_PATH, "NODE_VERSION=23.3.0", "YARN_VERSION=1.22.22"),
    os_release=DEBIAN_12_OS_RELEASE,
    dirs=DEBIAN_DIRS + ("/usr/local/lib/node_modules", "/opt/yarn-v1.22.22"),
    symlinks=dict(MERGED_USR_LINKS),
    files=DEBIAN_FILES | {
        "/etc/passwd": DEBIAN_PASSWD + "node:x:1000:1000::/home/node:/bin/bash\n",
        "/etc/group": DEBIAN_GROUP + "node:x:1000:\n",
    },
    executables=_usr_merged(COMMON_APPLETS + ("ps",)) | {
        "/usr/local/bin/docker-entrypoint.sh": Program("entrypoint"),
        "/usr/local/bin/node": Program(
            "repl",
            banner=("Welcome to Node.js v23.3.0.", 'Type ".help" for more information.'),
            prompt="> ",
        ),
    },
    shell_name="bash",
))

# --------------------------------------------------------------------------------------------------
# python:3.8.5 (Debian 10, not /usr-merged: coreutils live in /bin)
# --------------------------------------------------------------------------------------------------

register(Image(
    repository="python", tag="3.8.5",
    id="sha256:6b9291e2f2a8412faf7304d31a5cae54c52488edea540e8b5fc976d5f516db21",
    digest="sha256:df8132bf9460b0f48ef03cb014bca5c5a3779efce821f3e080e1c81fd0d68441",
    created="2020-09-10T17:24:35.816217398Z",
    size=882_290_211,
    layers=("e9303010b472", "53b0e9b3b388", "699355a3f542", "52c9caa186f5", "3a5c0f9cdc1c",
            "4eefcf045396", "4056fa074232", "9e03e3cf0b60", "b5765d89c3a8"),
    cmd=("python3",),
    env=(
        "PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG=C.UTF-8",
        "GPG_KEY=E3FF2839C048B25C084DEBE9B26995E310250568",
        "PYTHON_VERSION=3.8.5",
        "PYTHON_PIP_VERSION=20.2.3",
        ("PYTHON_GET_PIP_URL=https://github.com/pypa/get-pip/raw/"
        "fa7dc83944936bf09a0e4cb5d5ec852c0d256599/get-pip.py"),
        "PYTHON_GET_PIP_SHA256=6e0bb0a2c2533361d7f297ed547237caf1b7507f197835974c0dd7eba998c53c",
    ),
    os_release=DEBIAN_10_OS_RELEASE,
    dirs=(
        "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt",
        "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/sbin",
        "/usr/lib", "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/local/lib/python3.8",
        "/usr/share", "/var", "/var/log", "/var/tmp",
    ),
    files={
        "/etc/debian_version": "10.5\n",
        "/etc/passwd": DEBIAN_PASSWD.replace(
            "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n",
            "gnats:x:41:41:Gnats Bug-Reporting System (admin):/var/lib/gnats:/usr/sbin/nologin\n"
            "_apt:x:100:65534::/nonexistent:/usr/sbin/nologin\n",
        ),
        "/etc/group": DEBIAN_GROUP,
    },
    executables=_programs(
        {"sleep": "/bin", "echo": "/bin", "ls": "/bin", "cat": "/bin", "env": "/usr/bin",
         "hostname": "/bin", "ps": "/bin", "whoami": "/usr/bin", "pwd": "/bin", "true": "/bin",
         "false": "/bin", "head": "/usr/bin", "tail": "/usr/bin", "wc": "/usr/bin", "grep": "/bin",
         "sort": "/usr/bin", "mkdir": "/bin", "touch": "/bin", "uname": "/bin", "date": "/bin",
         "id": "/usr/bin", "printenv": "/usr/bin"},
        shells={"sh": "/bin", "bash": "/bin"},
    ) | {
        "/usr/local/bin/python3": Program(
            "repl",
            banner=(
                "Python 3.8.5 (default, Sep 10 2020, 16:58:22) ",
                "[GCC 8.3.0] on linux",
                'Type "help", "copyright", "credits" or "license" for more information.',
            ),
            prompt=">>> ",
        ),
    },
    shell_name="bash",
))

# --------------------------------------------------------------------------------------------------
# mysql:5.7 (5.7.44 on Oracle Linux 7-slim)
# --------------------------------------------------------------------------------------------------

OL7_OS_RELEASE = """\
NAME="Oracle Linux Server"
VERSION="7.9"
ID="ol"
ID_LIKE="fedora"
VARIANT="Server"
VARIANT_ID="server"
VERSION_ID="7.9"
PRETTY_NAME="Oracle Linux Server 7.9"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:oracle:linux:7:9:server"
HOME_URL="https://linux.oracle.com/"
BUG_REPORT_URL="https://github.com/oracle/oracle-linux"

ORACLE_BUGZILLA_PRODUCT="Oracle Linux 7"
ORACLE_BUGZILLA_PRODUCT_VERSION=7.9
ORACLE_SUPPORT_PRODUCT="Oracle Linux"
ORACLE_SUPPORT_PRODUCT_VERSION=7.9
"""

OL7_PASSWD = """\
root:x:0:0:root:/root:/bin/bash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/spool/mail:/sbin/nologin
operator:x:11:0:operator:/root:/sbin/nologin
games:x:12:100:games:/usr/games:/sbin/nologin
ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin
nobody:x:99:99:Nobody:/:/sbin/nologin
mysql:x:999:999::/home/mysql:/bin/bash
"""

OL7_GROUP = """\
root:x:0:
bin:x:1:
daemon:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mem:x:8:
kmem:x:9:
wheel:x:10:
cdrom:x:11:
mail:x:12:
man:x:15:
dialout:x:18:
floppy:x:19:
games:x:20:
tape:x:33:
video:x:39:
ftp:x:50:
lock:x:54:
audio:x:63:
nobody:x:99:
users:x:100:
utmp:x:22:
utempter:x:35:
mysql:x:999:
"""

MYSQL_NOTE_TIME = "{now:%Y-%m-%d %H:%M:%S+00:00}"
MYSQL_LOG_TIME = "{now:%Y-%m-%dT%H:%M:%S.%fZ}"

MYSQL_ENTRYPOINT = Program(
    "entrypoint",
    triggers=("mysqld",),
    stdout=(
        (f"{MYSQL_NOTE_TIME} [Note] [Entrypoint]: Entrypoint script for MySQL Server 5.7.44-1.el7 "
        "started."),
        f"{MYSQL_NOTE_TIME} [Note] [Entrypoint]: Switching to dedicated user 'mysql'",
        (f"{MYSQL_NOTE_TIME} [Note] [Entrypoint]: Entrypoint script for MySQL Server 5.7.44-1.el7 "
        "started."),
    ),
)

MYSQL_SERVER = Program(
    "server",
    requires_env=("MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"),
    missing_env=(
        (f"{MYSQL_NOTE_TIME} [ERROR] [Entrypoint]: Database is uninitialized and password option is "
        "not specified"),
        "    You need to specify one of the following as an environment variable:",
        "    - MYSQL_ROOT_PASSWORD",
        "    - MYSQL_ALLOW_EMPTY_PASSWORD",
        "    - MYSQL_RANDOM_ROOT_PASSWORD",
    ),
    stdout=(
        f"{MYSQL_NOTE_TIME} [Note] [Entrypoint]: Initializing database files",
        f"{MYSQL_NOTE_TIME} [Note] [Entrypoint]: Database files initialized",
        f"{MYSQL_NOTE_TIME} [Note] [Entrypoint]: Starting temporary server",
        f"{MYSQL_NOTE_TIME} [Note] [Entrypoint]: Temporary server started.",
        "'/var/lib/mysql/mysql.sock' -> '/var/run/mysqld/mysqld.sock'",
        f"{MYSQL_NOTE_TIME} [Note] [Entrypoint]: Stopping temporary server",
        f"{MYSQL_NOTE_TIME} [Note] [Entrypoint]: Temporary server stopped",
        "",
        f"{MYSQL_NOTE_TIME} [Note] [Entrypoint]: MySQL init process done. Ready for start up.",
        "",
    ),
    stderr=(
        f"{MYSQL_LOG_TIME} 0 [Note] mysqld (mysqld 5.7.44) starting as process {{pid}} ...",
        f"{MYSQL_LOG_TIME} 0 [Note] InnoDB: Completed initialization of buffer pool",
        f"{MYSQL_LOG_TIME} 0 [Note] InnoDB: 5.7.44 started; log sequence number 12219912",
        f"{MYSQL_LOG_TIME} 0 [Note] Server hostname (bind-address): '*'; port: 3306",
        f"{MYSQL_LOG_TIME} 0 [Note] IPv6 is available.",
        f"{MYSQL_LOG_TIME} 0 [Note]   - '::' resolves to '::';",
        f"{MYSQL_LOG_TIME} 0 [Note] Server socket created on IP: '::'.",
        f"{MYSQL_LOG_TIME} 0 [Note] Event Scheduler: Loaded 0 events",
        f"{MYSQL_LOG_TIME} 0 [Note] mysqld: ready for connections.",
        ("Version: '5.7.44'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community "
        "Server (GPL)"),
    ),
    graceful=("SIGTERM",),
    graceful_exit=0,
    shutdown=(
        f"{MYSQL_LOG_TIME} 0 [Note] mysqld: Normal shutdown",
        "",
        f"{MYSQL_LOG_TIME} 0 [Note] Giving 0 client threads a chance to die gracefully",
        f"{MYSQL_LOG_TIME} 0 [Note] Shutting down slave threads",
        f"{MYSQL_LOG_TIME} 0 [Note] Forcefully disconnecting 0 remaining clients",
        f"{MYSQL_LOG_TIME} 0 [Note] Event Scheduler: Purging the queue. 0 events",
        f"{MYSQL_LOG_TIME} 0 [Note] Binlog end",
        f"{MYSQL_LOG_TIME} 0 [Note] InnoDB: Shutdown completed; log sequence number 12219940",
        f"{MYSQL_LOG_TIME} 0 [Note] mysqld: Shutdown complete",
        "",
    ),
    shutdown_stream="stderr",
)

register(Image(
    repository="mysql", tag="5.7",
    id="sha256:0a586facb69c16ce2c4ec60b77774b2ea74f53a1ce5f95d597c0323e98a46541",
    digest="sha256:33975c9c0dc36610cc289944ec7cd82a92a6337a1174e4687cc66135a9752e53",
    created="2023-10-25T00:13:35.615497114Z",
    size=501_330_211,
    layers=("39f6fba563d0", "44098352acb5", "385fe4dc83e8", "d9baea71f678", "cc5e2d611dd2",
            "e5558f8f9460", "0ae3d33ad11b", "36ba254f47db", "6bd9b3681ffb", "cd2d893a4b6b",
            "c54f049b9906"),
    entrypoint=("docker-entrypoint.sh",),
    cmd=("mysqld",),
    env=(
        UBUNTU_PATH,
        "GOSU_VERSION=1.16",
        "MYSQL_MAJOR=5.7",
        "MYSQL_VERSION=5.7.44-1.el7",
        "MYSQL_SHELL_VERSION=8.0.35-1.el7",
    ),
    exposed_ports=("3306/tcp", "33060/tcp"),
    os_release=OL7_OS_RELEASE,
    dirs=DEBIAN_DIRS + ("/docker-entrypoint-initdb.d", "/var/lib/mysql", "/var/run/mysqld",
                        "/etc/mysql", "/etc/mysql/conf.d"),
    symlinks=MERGED_USR_LINKS | {"/entrypoint.sh": "usr/local/bin/docker-entrypoint.sh"},
    files={"/etc/oracle-release": "Oracle Linux Server release 7.9\n", "/etc/passwd": OL7_PASSWD,
           "/etc/group": OL7_GROUP},
    executables=_usr_merged() | {
        "/usr/local/bin/docker-entrypoint.sh": MYSQL_ENTRYPOINT,
        "/usr/sbin/mysqld": MYSQL_SERVER,
    },
    shell_name="bash",
))

# --------------------------------------------------------------------------------------------------
# spark-base:3.0.3 (custom: Ubuntu 20.04 + OpenJDK 8 + Spark 3.0.3 for Hadoop 3.2 under /opt/spark)
# --------------------------------------------------------------------------------------------------

SPARK_TIME = "{now:%y/%m/%d %H:%M:%S}"

SPARK_MASTER = Program(
    "server",
    stderr=(
        "Using Spark's default log4j profile: org/apache/spark/log4j-defaults.properties",
        f"{SPARK_TIME} INFO Master: Started daemon with process name: {{pid}}@{{hostname}}",
        f"{SPARK_TIME} INFO SignalUtils: Registered signal handler for TERM",
        f"{SPARK_TIME} INFO SignalUtils: Registered signal handler for HUP",
        f"{SPARK_TIME} INFO SignalUtils: Registered signal handler for INT",
        (f"{SPARK_TIME} WARN NativeCodeLoader: Unable to load native-hadoop library for your "
        "platform... using builtin-java classes where applicable"),
        f"{SPARK_TIME} INFO SecurityManager: Changing view acls to: root",
        f"{SPARK_TIME} INFO SecurityManager: Changing modify acls to: root",
        f"{SPARK_TIME} INFO SecurityManager: Changing view acls groups to: ",
        f"{SPARK_TIME} INFO SecurityManager: Changing modify acls groups to: ",
        (f"{SPARK_TIME} INFO SecurityManager: SecurityManager: authentication disabled; ui acls "
        "disabled; users  with view permissions: Set(root); groups with view permissions: Set(); "
        "users  with modify permissions: Set(root); groups with modify permissions: Set()"),
        f"{SPARK_TIME} INFO Utils: Successfully started service 'sparkMaster' on port 7077.",
        f"{SPARK_TIME} INFO Master: Starting Spark master at spark://{{hostname}}:7077",
        f"{SPARK_TIME} INFO Master: Running Spark version 3.0.3",
        f"{SPARK_TIME} INFO Utils: Successfully started service 'MasterUI' on port 8080.",
        (f"{SPARK_TIME} INFO MasterWebUI: Bound MasterWebUI to 0.0.0.0, and started at "
        "http://{ip}:8080"),
        f"{SPARK_TIME} INFO Master: I have been elected leader! New state: ALIVE",
    ),
    # A JVM handles SIGTERM itself (even as PID 1): shutdown hooks run, then it exits 128+15.
    graceful=("SIGTERM",),
    graceful_exit=143,
    shutdown=(
        f"{SPARK_TIME} ERROR Master: RECEIVED SIGNAL TERM",
        f"{SPARK_TIME} INFO ShutdownHookManager: Shutdown hook called",
    ),
    shutdown_stream="stderr",
)

SPARK_START_MASTER = Program(
    "daemonize",
    stdout=(
        ("starting org.apache.spark.deploy.master.Master, logging to "
        "/opt/spark/logs/spark--org.apache.spark.deploy.master.Master-1-{hostname}.out"),
    ),
    spawns="/opt/spark/bin/spark-class org.apache.spark.deploy.master.Master --host {hostname} "
    "--port 7077 --webui-port 8080",
)

SPARK_DIRS = tuple(f"/opt/spark/{d}" for d in (
    "bin", "conf", "data", "examples", "jars", "kubernetes", "licenses", "logs", "python", "R",
    "sbin", "work", "yarn"))

register(Image(
    repository="spark-base", tag="3.0.3",
    id="sha256:5106d260dd53faeb2baae9eea786a639300e1040a0060860ca89d8bcdc097420",
    digest="sha256:e98b967a4ef77050cf3d90064d95a9ed53150fa1d247b3062e51a1f68a2ea0da",
    created="2022-03-14T08:21:53.662047139Z",
    size=1_041_234_567,
    layers=("323e24dd5c73", "3abe7efa6af9", "88949ee696ce", "ee146437309e", "677c8dbb9f43"),
    cmd=("bash",),
    env=(
        UBUNTU_PATH + ":/opt/spark/bin:/opt/spark/sbin",
        "JAVA_HOME=/usr/lib/jvm/java-8-openjdk-amd64",
        "SPARK_VERSION=3.0.3",
        "HADOOP_VERSION=3.2",
        "SPARK_HOME=/opt/spark",
        "PYSPARK_PYTHON=python3",
    ),
    workdir="/opt/spark",
    exposed_ports=("7077/tcp", "8080/tcp"),
    labels={"org.opencontainers.image.ref.name": "ubuntu",
            "org.opencontainers.image.version": "20.04"},
    os_release=UBUNTU_2004_OS_RELEASE,
    dirs=UBUNTU_DIRS + ("/usr/lib32", "/usr/libx32", "/opt/spark", "/usr/lib/jvm",
                        "/usr/lib/jvm/java-8-openjdk-amd64") + SPARK_DIRS,
    symlinks=MERGED_USR_LINKS | {"/lib32": "usr/lib32", "/libx32": "usr/libx32"},
    files={
        "/etc/lsb-release": _lsb("20.04", "focal", "Ubuntu 20.04.6 LTS"),
        "/etc/passwd": UBUNTU_PASSWD,
        "/etc/group": DEBIAN_GROUP,
        "/opt/spark/RELEASE": "Spark 3.0.3 (git revision 65ac1e75dc) built for Hadoop 3.2.0\n"
        "Build flags: -B -Pmesos -Pyarn -Pkubernetes -Psparkr -Pscala-2.12 -Phadoop-3.2 -Phive "
        "-Phive-thriftserver\n",
    },
    executables=_usr_merged(COMMON_APPLETS + ("ps",)) | {
        "/opt/spark/sbin/start-master.sh": SPARK_START_MASTER,
        "/opt/spark/bin/spark-class": SPARK_MASTER,
        "/usr/bin/java": Program("message", stderr=(
            'openjdk version "1.8.0_292"',
            "OpenJDK Runtime Environment (build 1.8.0_292-8u292-b10-0ubuntu1~20.04-b10)",
            "OpenJDK 64-Bit Server VM (build 25.292-b10, mixed mode)",
        )),
    },
    shell_name="bash",
))
