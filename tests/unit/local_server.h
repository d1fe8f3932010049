/*
 * local_server.h - the unit tests' servers on 127.0.0.1: a program started
 * on a free port, waited for until it accepts connections, and stopped.
 * Header-only, for the tests that include it.
 */
#ifndef DFC_TEST_LOCAL_SERVER_H
#define DFC_TEST_LOCAL_SERVER_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A port nothing listens on (right now). */
static inline int free_port(void)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(fd >= 0);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	port = ntohs(addr.sin_port);
	close(fd);
	return port;
}

static inline bool accepts(int port)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	return ok;
}

static inline pid_t start_server(char *const argv[], int port)
{
	struct timespec pause = {0, 50 * 1000 * 1000};
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	for (int i = 0; i < 200; i++) {
		if (accepts(port))
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		nanosleep(&pause, NULL);
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return -1;
}

/*
 * Start the server argv (whose argument port_arg is the port) on a free
 * port, and say which in *port. Another process may take the port between
 * the pick and the server's bind; the server then exits and another port
 * is tried.
 */
static inline pid_t start_on_free_port(char *argv[], int port_arg, int *port)
{
	char text[16];
	pid_t pid = -1;

	for (int attempt = 0; attempt < 5 && pid < 0; attempt++) {
		*port = free_port();
		snprintf(text, sizeof(text), "%d", *port);
		argv[port_arg] = text;
		pid = start_server(argv, *port);
	}
	argv[port_arg] = NULL;
	return pid;
}

static inline void stop_server(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

#endif
