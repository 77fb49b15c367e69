package org.apache.jmeter.rmi;

import java.io.IOException;
import java.io.Serializable;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ATQ's replacement for JMeter 5.6's class of the same name (same fields and serialVersionUID): equal by
 * value, so RMI shares one listening port among all objects exported with the same settings (JMeter's master
 * exports a listener per remote engine, and with the stock class each got its own port and every worker
 * one more full TLS handshake), and one SSLContext per key material (see SSLRMIClientSocketFactory).
 */
public class SSLRMIServerSocketFactory implements RMIServerSocketFactory, Serializable {
    private static final long serialVersionUID = 258730225720182190L;
    private static final Logger LOGGER = LoggerFactory.getLogger(SSLRMIServerSocketFactory.class);

    private final InetAddress localAddress;
    private String alias;
    private String keyStoreLocation;
    private String keyStorePassword;
    private String keyStoreType;
    private String trustStoreLocation;
    private String trustStorePassword;
    private String trustStoreType;
    private boolean clientAuth;

    public SSLRMIServerSocketFactory(InetAddress localAddress) {
        this.localAddress = localAddress;
    }

    public void setNeedClientAuth(boolean clientAuth) {
        this.clientAuth = clientAuth;
    }

    public void setKeystore(String location, String type, String password) {
        this.keyStoreLocation = location;
        this.keyStoreType = type;
        this.keyStorePassword = password;
    }

    public void setTruststore(String location, String type, String password) {
        this.trustStoreLocation = location;
        this.trustStoreType = type;
        this.trustStorePassword = password;
    }

    public void setAlias(String alias) {
        this.alias = alias;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        SSLServerSocket socket;
        try {
            socket = (SSLServerSocket) RmiSslContexts.get(alias,
                    new String[] {keyStoreLocation, keyStoreType, keyStorePassword},
                    new String[] {trustStoreLocation, trustStoreType, trustStorePassword})
                    .getServerSocketFactory().createServerSocket(port, 0, localAddress);
        } catch (BindException e) {
            throw new IOException("Could not bind to " + localAddress + " using port " + port, e);
        }
        socket.setNeedClientAuth(clientAuth);
        LOGGER.info("Created SSLSocket: {}", socket);
        return socket;
    }

    private List<Object> value() {
        return Arrays.asList(localAddress, alias, keyStoreLocation, keyStoreType, keyStorePassword,
                trustStoreLocation, trustStoreType, trustStorePassword, clientAuth);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SSLRMIServerSocketFactory
                && value().equals(((SSLRMIServerSocketFactory) other).value());
    }

    @Override
    public int hashCode() {
        return value().hashCode();
    }

    @Override
    public String toString() {
        return "SSLRMIServerSocketFactory(host=" + localAddress + ", keyStoreLocation=" + keyStoreLocation
                + ", type=" + keyStoreType + ", trustStoreLocation=" + trustStoreLocation + ", type="
                + trustStoreType + ", alias=" + alias + ')';
    }
}
